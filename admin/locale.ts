// Labels and messages of the back office in plain words.
export const translations = {
  labels: {
    mailings: 'Mailings',
    clients: 'Clients',
    messages: 'Messages',
    attempts: 'Attempts',
    deliveries: 'Deliveries',
    users: 'Users',
    groups: 'Groups',
    blog_posts: 'Blog posts',
  },
  actions: {
    disable: 'Disable',
    enable: 'Enable',
    sendNow: 'Send now',
    block: 'Block',
    unblock: 'Unblock',
  },
  properties: {
    messageId: 'Message',
    clientIds: 'Clients',
    startAt: 'First send',
    endAt: 'End',
    messageSubject: 'Message subject',
    recipients: 'Clients',
    latestAttempts: 'Latest attempts',
    nextRunAt: 'Next run',
    lastRunAt: 'Last run',
    memberIds: 'Members',
    imageFile: 'Image',
    viewsCount: 'Views',
    publishedAt: 'Published at',
  },
  messages: {
    loginWelcome: 'Mailing Service back office',
    invalidCredentials: 'Wrong e-mail or password.',
  },
};
