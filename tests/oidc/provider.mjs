// A real OpenID provider for McVSphere's security tests, on 127.0.0.1 and a free port (or the one given: a restart on
// the same port with a new key is a key rotation).
// Usage: node provider.mjs <resource-url> [port] [proxy-callback-url]
// Prints one JSON line once it listens: { "issuer": ..., "signing_key": <private JWK> }. The key lets the tests
// sign hand-made negative tokens (expired, another issuer) with the provider's own key; positive tokens come from
// the token endpoint. Each test user is a client_credentials client whose JWT access tokens carry `groups`.
// With a proxy callback URL, it also has the confidential client of McVSphere's proxy mode ("mcvsphere", secret
// PROXY_SECRET below), redirecting to that URL, and people who log in on its login page (any password) with the
// groups of `people`; dynamic registration stays off, as at Authentik. A resource indicator ending in
// "?format=opaque" gets opaque access tokens (for introspection) addressed to the resource without the query.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const [resource, port = '0', proxyCallback] = process.argv.slice(2);
if (!resource) {
  console.error('usage: node provider.mjs <resource-url> [port]');
  process.exit(2);
}

// client id (= user) -> groups in its tokens
const users = {
  reader: ['vsphere-readers'],
  operator: ['vsphere-operators'],
  admin: ['vsphere-admins'],
  'host-admin': ['vsphere-host-admins'],
  'super-admin': ['vsphere-super-admins'],
  nobody: ['staff'],
  'reader-and-admin': ['staff', 'vsphere-readers', 'vsphere-admins'],
};

// login -> groups in the tokens of a login through the proxy client
const people = {
  alice: ['vsphere-admins'],
  rita: ['vsphere-readers'],
  nora: ['staff'],
  uma: ['vsphere-operators'],
};
// people whose groups are not in their access tokens, only in userinfo (as providers that keep tokens small do)
const groupsOnlyInUserinfo = new Set(['uma']);

const PROXY_SECRET = 'proxy-secret-of-the-mcvsphere-client-at-the-provider-0123456789';

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(), alg: 'RS256', use: 'sig',
};

const server = createServer();
server.listen(Number(port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      ...Object.keys(users).map((id) => ({
        client_id: id,
        client_secret: `${id}-secret`,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      })),
      ...(proxyCallback ? [{
        client_id: 'mcvsphere',
        client_secret: PROXY_SECRET,
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        redirect_uris: [proxyCallback],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      }] : []),
    ],
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, preferred_username: id, email: `${id}@example.com`, groups: people[id] ?? [] }),
    }),
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups', 'mcp'],
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      // The provider's own login and consent pages (any login, any password): plain HTML forms.
      devInteractions: { enabled: Boolean(proxyCallback) },
      introspection: { enabled: true, allowedPolicy: () => true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        // Any resource gets JWT access tokens addressed to it, so a test can also ask for a token of another audience.
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          const opaque = resourceIndicator.endsWith('?format=opaque');
          return {
            scope: 'mcp openid profile email groups offline_access',
            audience: opaque ? resourceIndicator.slice(0, -'?format=opaque'.length) : resourceIndicator,
            accessTokenTTL: 600,
            accessTokenFormat: opaque ? 'opaque' : 'jwt',
            ...(opaque ? {} : { jwt: { sign: { alg: 'RS256' } } }),
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => (token.accountId
      ? (groupsOnlyInUserinfo.has(token.accountId) ? {} : { groups: people[token.accountId] ?? [] })
      : { groups: users[token.clientId] ?? [] }),
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer, signing_key: signingKey }));
});

// Ends with the test run: the tests close stdin when they are done, or die.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
