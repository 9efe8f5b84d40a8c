// A real OpenID provider for McVSphere's security tests, on 127.0.0.1 and a free port (or the one given: a restart on
// the same port with a new key is a key rotation).
// Usage: node provider.mjs <resource-url> [port]
// Prints one JSON line once it listens: { "issuer": ..., "signing_key": <private JWK> }. The key lets the tests
// sign hand-made negative tokens (expired, another issuer) with the provider's own key; positive tokens come from
// the token endpoint. Each test user is a client_credentials client whose JWT access tokens carry `groups`.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const [resource, port = '0'] = process.argv.slice(2);
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

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(), alg: 'RS256', use: 'sig',
};

const server = createServer();
server.listen(Number(port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: Object.keys(users).map((id) => ({
      client_id: id,
      client_secret: `${id}-secret`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        // Any resource gets JWT access tokens addressed to it, so a test can also ask for a token of another audience.
        getResourceServerInfo: (_ctx, resourceIndicator) => ({
          scope: 'mcp',
          audience: resourceIndicator,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => ({ groups: users[token.clientId] ?? [] }),
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer, signing_key: signingKey }));
});

// Ends with the test run: the tests close stdin when they are done, or die.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
