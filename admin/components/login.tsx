// The back office's login page (in place of AdminJS's): the product's name, the e-mail kept after a failed login,
// the fields a password manager understands, and the public site's sign-up and forgot-password pages one click away.
import React from 'react';
import { useSelector } from 'react-redux';
import { Box, Button, FormGroup, H2, H5, Input, Label, Link, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation, type ReduxState } from 'adminjs';
import './session-watch.js';

/** What admin/auth.ts puts on the page (window.__APP_STATE__). */
interface LoginPageState {
  action: string;
  errorMessage?: string | null;
  /** The e-mail typed before a failed login, base64 of its UTF-8 (safe inside the page's script whatever it holds). */
  typedEmail?: string;
  signUpUrl?: string;
  forgotPasswordUrl?: string;
}

function decoded(base64: string | undefined): string {
  if (!base64) return '';
  try {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

const Login: React.FC = () => {
  const state = ((window as unknown as { __APP_STATE__?: LoginPageState }).__APP_STATE__ ?? { action: '' }) as LoginPageState;
  const { translateComponent, translateMessage } = useTranslation();
  const branding = useSelector((redux: ReduxState) => redux.branding);
  const message = state.errorMessage ?? undefined;
  const email = decoded(state.typedEmail);

  return (
    <Box flex variant="grey" className="login__Wrapper" style={{ alignItems: 'center', justifyContent: 'center', flexDirection: 'column', minHeight: '100%' }}>
      <Box bg="white" flex boxShadow="login" width={[1, 2 / 3, 'auto']} style={{ minHeight: '440px' }}>
        <Box bg="primary100" color="white" p="x3" width="380px" flexGrow={0} display={['none', 'none', 'block']}>
          <H2 fontWeight="lighter">{translateComponent('Login.welcomeHeader')}</H2>
          <Text fontWeight="lighter" mt="default">
            {translateComponent('Login.welcomeMessage')}
          </Text>
        </Box>
        <Box as="form" action={state.action} method="POST" p="x3" flexGrow={1} width={['100%', '100%', '480px']}>
          <H5 marginBottom="xxl" data-testid="login-product">
            {branding.companyName}
          </H5>
          {message && <MessageBox my="lg" message={message.split(' ').length > 1 ? message : translateMessage(message)} variant="danger" />}
          <FormGroup>
            <Label htmlFor="login-email" required>
              {translateComponent('Login.properties.email')}
            </Label>
            <Input
              id="login-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              defaultValue={email}
              autoFocus={!email}
              placeholder={translateComponent('Login.properties.email')}
            />
          </FormGroup>
          <FormGroup>
            <Label htmlFor="login-password" required>
              {translateComponent('Login.properties.password')}
            </Label>
            <Input
              id="login-password"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              autoFocus={Boolean(email)}
              placeholder={translateComponent('Login.properties.password')}
            />
          </FormGroup>
          <Text mt="xl" textAlign="center">
            <Button variant="contained" type="submit">
              {translateComponent('Login.loginButton')}
            </Button>
          </Text>
          <Text mt="xl" textAlign="center">
            {state.forgotPasswordUrl && (
              <Link href={state.forgotPasswordUrl} data-testid="login-forgot-password">
                {translateComponent('Login.forgotPassword')}
              </Link>
            )}
          </Text>
          <Text mt="default" textAlign="center">
            {translateComponent('Login.noAccount')}{' '}
            {state.signUpUrl && (
              <Link href={state.signUpUrl} data-testid="login-sign-up">
                {translateComponent('Login.signUp')}
              </Link>
            )}
          </Text>
        </Box>
      </Box>
    </Box>
  );
};

export default Login;
