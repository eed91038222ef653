// XSS payloads for the sanitising tests (template.test.ts, mailing-mail.test.ts).

/** Payloads that must not survive sanitising, and what in the output would show that one did. */
export const XSS_PAYLOADS: Array<{ html: string; forbidden: RegExp }> = [
  { html: '<script>alert(1)</script><p>ok</p>', forbidden: /<script|alert\(1\)/i },
  { html: '<img src="https://img.test/a.png" onerror="alert(1)">', forbidden: /onerror/i },
  { html: '<a href="javascript:alert(1)">click</a>', forbidden: /javascript:/i },
  { html: '<a href=" JaVaScRiPt:alert(1)">click</a>', forbidden: /javascript:/i },
  { html: '<svg onload="alert(1)"><circle r="1"/></svg>', forbidden: /<svg|onload/i },
  { html: '<p style="width: expression(alert(1)); color: red">x</p>', forbidden: /expression/i },
  { html: '<p style="background: url(javascript:alert(1))">x</p>', forbidden: /url\(|javascript/i },
  { html: '<iframe src="https://evil.test"></iframe>', forbidden: /<iframe/i },
  { html: '<p onclick="alert(1)" onmouseover="alert(2)">x</p>', forbidden: /onclick|onmouseover/i },
  { html: '<form action="https://evil.test"><input name="p"></form>', forbidden: /<form|<input/i },
];
