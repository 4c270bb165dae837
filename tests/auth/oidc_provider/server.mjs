// A real OpenID Connect provider for Regie's tests (the npm package `oidc-provider`).
//
// Starts on 127.0.0.1 on a free port (or $PORT) and prints one line `READY <issuer>` when it
// listens. Clients: `regie` and `andere-app` (another application of the same gemeente), both
// with client_secret_basic and the redirect URLs in $OIDC_REDIRECT_URIS (a JSON list). PKCE is
// required. People log in on a minimal login form (login name and password) at
// /interaction/<uid>; consent is given with the login (Regie is the gemeente's own application).
// "Annuleren" ends the login with access_denied.
import http from 'node:http';
import { Provider } from 'oidc-provider';

const PASSWORD = 'idp-wachtwoord-1';
// login name -> claims; `sub` is the stable identity Regie links an account to.
const PEOPLE = {
  anna: { sub: 'idp-7f3c-anna', name: 'Anna de Vries', preferred_username: 'anna', email: 'anna@gemeente.test', groups: ['regie-klantmanagers'] },
  nadia: { sub: 'idp-21aa-nadia', name: 'Nadia El Amrani', preferred_username: 'nadia', email: 'nadia@gemeente.test', groups: ['regie-klantmanagers', 'regie-teamleiders'] },
  bea: { sub: 'idp-0b3e-bea', name: 'Bea Smit', preferred_username: 'bea', email: 'bea@gemeente.test', groups: ['regie-beheer'] },
  tom: { sub: 'idp-99f1-tom', name: 'Tom Visser', preferred_username: 'tom', email: 'tom@gemeente.test', groups: ['facilitair'] },
};
const BY_SUB = Object.fromEntries(Object.values(PEOPLE).map((p) => [p.sub, p]));

const redirectUris = JSON.parse(process.env.OIDC_REDIRECT_URIS || '[]');
const client = (id, secret) => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: redirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (uid, error) => `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Test-IdP</title></head>
<body><h1>Inloggen bij de test-IdP</h1>${error ? `<p role="alert" id="idp-error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Inlognaam</label><input id="login" name="login" autocomplete="off" required>
<label for="password">Wachtwoord</label><input id="password" name="password" type="password" required>
<button type="submit" id="idp-submit">Inloggen</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit" id="idp-abort">Annuleren</button></form>
</body></html>`;

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

let provider;

async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login|\/abort)?/);
  const uid = match[1];
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && !match[2]) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(uid));
    return;
  }
  if (req.method === 'POST' && match[2] === '/abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'aborted' },
      { mergeWithLastSubmission: false });
    return;
  }
  if (req.method === 'POST' && match[2] === '/login') {
    const form = await readForm(req);
    const person = PEOPLE[form.get('login')];
    if (!person || form.get('password') !== PASSWORD) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page(uid, 'Onbekende inlognaam of verkeerd wachtwoord.'));
      return;
    }
    const grant = new provider.Grant({ accountId: person.sub, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: person.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405);
  res.end();
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${err.message}`);
    });
    return;
  }
  provider.callback()(req, res);
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [client('regie', 'regie-test-geheim-0123456789'), client('andere-app', 'andere-app-geheim-0123456789')],
    findAccount: (ctx, sub) => (BY_SUB[sub] ? { accountId: sub, claims: () => ({ ...BY_SUB[sub] }) } : undefined),
    claims: {
      openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['regie-test-idp-cookie-key'] },
    ttl: { IdToken: 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  process.stdout.write(`READY ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
