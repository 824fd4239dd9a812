// A real OpenID provider for the console's sign-in tests: the certified `oidc-provider`
// package, run locally on http://127.0.0.1:$OIDC_PORT with its development login pages (any
// password is accepted; the login names the account). Two accounts are known:
//   dana   groups ["secops-analysts"]   mapped to the analyst role by the service's config
//   erin   groups ["marketing"]         mapped to no role: the console must refuse her
// One confidential client: $OIDC_CLIENT_ID / $OIDC_CLIENT_SECRET, redirecting to $OIDC_REDIRECT.
// ID tokens are signed RS256 with a key made at start and carry the `groups` claim.
// Prints "ready <issuer>" on stdout once it listens.

import Provider from "oidc-provider";
import { generateKeyPairSync } from "node:crypto";

const port = Number(need("OIDC_PORT"));
const issuer = `http://127.0.0.1:${port}`;

export const ACCOUNTS = {
  dana: { name: "Dana Whitfield", email: "dana@acme.example", groups: ["secops-analysts"] },
  erin: { name: "Erin Castillo", email: "erin@acme.example", groups: ["marketing"] },
};

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: "jwk" }), kid: "e2e-rs256", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: need("OIDC_CLIENT_ID"),
      client_secret: need("OIDC_CLIENT_SECRET"),
      redirect_uris: [need("OIDC_REDIRECT")],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  scopes: ["openid", "profile", "email", "groups"],
  claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"], groups: ["groups"] },
  // Groups in the ID token itself, as Okta and Entra ID put them there when asked.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, name: account.name, email: account.email, groups: account.groups };
      },
    };
  },
});

provider.listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
