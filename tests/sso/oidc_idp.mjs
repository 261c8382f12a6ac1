// A real OpenID Connect provider (the npm oidc-provider) for the sign-in tests, on 127.0.0.1 only.
// Started by tests/sso/conftest.py: node oidc_idp.mjs <port>. Its own login page accepts any password;
// the login name is the email it vouches for, and "unverified:" in front makes email_verified false.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;

const clients = [
  { client_id: 'rising-tide', client_secret: 'rising-tide-test-secret' },
  { client_id: 'another-app', client_secret: 'another-app-test-secret' },
].map((client) => ({
  ...client,
  redirect_uris: ['http://testserver/accounts/oidc/idp/login/callback/'],
  post_logout_redirect_uris: ['http://testserver/accounts/login/'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
}));

function account(login) {
  const unverified = login.startsWith('unverified:');
  const email = unverified ? login.slice('unverified:'.length) : login;
  const local = email.split('@')[0];
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email,
        email_verified: !unverified,
        name: local.charAt(0).toUpperCase() + local.slice(1) + ' Tester',
        given_name: local.charAt(0).toUpperCase() + local.slice(1),
        family_name: 'Tester',
      };
    },
  };
}

const provider = new Provider(issuer, {
  clients,
  findAccount: async (_ctx, id) => account(id),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['rising-tide-test-only-cookie-key'] },
});

// The tests' Django servers listen on ports chosen at run time: any loopback address is a valid return.
const loopback = (uri) => /^http:\/\/(testserver|127\.0\.0\.1:\d+|localhost:\d+)\//.test(uri);
provider.Client.prototype.redirectUriAllowed = loopback;
provider.Client.prototype.postLogoutRedirectUriAllowed = loopback;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
