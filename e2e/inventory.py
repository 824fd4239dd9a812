#!/usr/bin/env python3
"""Writes an identity inventory (docs/inventory.md) for a tenant made by `factorwatch gen`, so
that the end-to-end tests see blast radii drawn: who holds which admin role, in Entra and Okta,
and a few non-human identities with owners and secrets.

    e2e/inventory.py TENANT_DIR OUT_DIR     writes OUT_DIR/entra.json and OUT_DIR/okta.json

The roles are the ones `truth.json` gives each person; the non-human identities and their
owners are made up for the tests (the generator's logs say nothing about them).
"""

import json
import re
import sys
from pathlib import Path


def main(tenant_dir: Path, out: Path) -> None:
    truth = json.loads((tenant_dir / "truth.json").read_text())
    config = (tenant_dir / "factorwatch.toml").read_text()
    entra_tenant = re.search(r'"entra:([^:"]+):', config).group(1)
    okta_tenant = re.search(r'^okta = "([^"]+)"', config, re.M).group(1)
    users = truth["users"]
    by_email = {u["email"]: u for u in users}

    def with_role(role: str) -> list[dict]:
        return [u for u in users if u["role"] == role]

    def ids(provider: str, people: list[dict]) -> list[str]:
        return [u["ids"][provider] for u in people if provider in u["ids"]]

    def person(email_prefix: str) -> dict:
        return next(u for e, u in by_email.items() if e.startswith(email_prefix + "@"))

    helpdesk = with_role("Help Desk Administrator") + with_role("Help Desk Administrator (contractor)")
    global_admins = with_role("Entra Global Administrator")
    app_admins = with_role("Application Administrator")
    super_admins = with_role("Okta Super Admin")
    # The owners of the made-up service principals: people the stories are about.
    frank = person("frank.johansson")
    alice = person("alice.tanaka")

    secret = lambda sid, created: {"id": sid, "kind": "client_secret", "created": created}  # noqa: E731
    entra = {
        "factorwatch_inventory": 1,
        "provider": "entra",
        "tenant": entra_tenant,
        "identities": [{"id": u["ids"]["entra"], "name": u["email"]} for u in users if "entra" in u["ids"]],
        "nhis": [
            {
                "id": "sp-terraform-deployer",
                "name": "terraform-deployer",
                "owners": ids("entra", global_admins),
                "secrets": [secret("tf-secret-1", "2025-11-02T10:00:00Z")],
            },
            {
                "id": "sp-payments-api",
                "name": "payments-api",
                "owners": [frank["ids"]["entra"]],
                "secrets": [secret("pay-secret-1", "2025-03-14T09:30:00Z")],
            },
            {"id": "sp-hr-sync", "name": "hr-sync", "owners": ids("entra", app_admins)},
        ],
        "groups": [
            {"id": "grp-tenant-admins", "name": "Tenant Admins", "members": ids("entra", global_admins)},
            {"id": "grp-it-help-desk", "name": "IT Help Desk", "members": ids("entra", helpdesk)},
        ],
        "roles": [
            {"name": "Global Administrator", "members": ["grp-tenant-admins"]},
            {"name": "Helpdesk Administrator", "members": ["grp-it-help-desk"]},
            {"name": "Application Administrator", "members": ids("entra", app_admins) + ["sp-terraform-deployer"]},
        ],
    }
    okta = {
        "factorwatch_inventory": 1,
        "provider": "okta",
        "tenant": okta_tenant,
        "identities": [{"id": u["ids"]["okta"], "name": u["email"]} for u in users if "okta" in u["ids"]],
        "nhis": [
            {
                "id": "0oa-expense-sync",
                "name": "expense-sync",
                "owners": [alice["ids"]["okta"]],
                "secrets": [secret("exp-secret-1", "2024-08-20T08:00:00Z")],
            },
        ],
        "groups": [{"id": "grp-okta-help-desk", "name": "Okta Help Desk", "members": ids("okta", helpdesk)}],
        "roles": [
            {"name": "SUPER_ADMIN", "members": ids("okta", super_admins)},
            {"name": "HELP_DESK_ADMIN", "members": ["grp-okta-help-desk"]},
        ],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "entra.json").write_text(json.dumps(entra, indent=1))
    (out / "okta.json").write_text(json.dumps(okta, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: e2e/inventory.py TENANT_DIR OUT_DIR")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
