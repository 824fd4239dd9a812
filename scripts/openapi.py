#!/usr/bin/env python3
"""Writes crates/server/openapi.json, the OpenAPI 3.1 description of factorwatch serve's API.

The finding schema is schemas/finding.schema.json, reused. Run after changing a route or an
answer's shape; crates/server/tests check the routes and real answers against the output.
"""
import json, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
finding = json.load(open(os.path.join(ROOT, 'schemas/finding.schema.json')))
defs = finding.pop('$defs')
for k in ['$schema', '$id']: finding.pop(k, None)
def reref(o):
    if isinstance(o, dict):
        return {k: (v.replace('#/$defs/', '#/components/schemas/') if k == '$ref' else reref(v)) for k, v in o.items()}
    if isinstance(o, list): return [reref(x) for x in o]
    return o
finding = reref(finding)
S = lambda name: {"$ref": f"#/components/schemas/{name}"}
schemas = {k: reref(v) for k, v in defs.items()}
schemas["Finding"] = finding
ident = finding["properties"]["identity"]
schemas["Error"] = {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
    "code": {"type": "string", "description": "Stable and machine-readable: unauthorized, forbidden, not_found, bad_request, too_large, overloaded, unavailable, method_not_allowed, timeout, internal."},
    "message": {"type": "string", "description": "What was wrong, for people."}}}}}
schemas["Status"] = {"enum": ["open", "acknowledged", "resolved", "false_positive"]}
schemas["Role"] = {"enum": ["metrics", "ingest", "viewer", "analyst", "approver", "admin"],
  "description": "`metrics` reads /metrics only (for a scraper); `ingest` posts events only; `viewer` reads; `analyst` triages; `approver` decides approvals; `admin` does everything."}
schemas["RemediationStep"] = finding["properties"]["remediation"]["items"] if "items" in finding["properties"]["remediation"] else {"type": "object"}
schemas["IncidentRecord"] = {"type": "object", "description": "An incident (findings on one identity close in time) and where it stands in the queue.",
  "required": ["id", "identity", "risk_score", "severity", "first", "last", "detectors", "findings", "summary", "remediation", "status", "status_changed", "assignee"],
  "properties": {"id": {"type": "string", "pattern": "^inc_"}, "identity": ident, "risk_score": {"type": "integer", "minimum": 0, "maximum": 100},
    "severity": S("severity"), "first": S("time"), "last": S("time"), "detectors": {"type": "array", "items": {"type": "string"}},
    "findings": {"type": "array", "items": {"type": "string"}, "description": "Finding ids in time order."}, "summary": {"type": "string"},
    "remediation": {"type": "array", "items": S("RemediationStep")}, "status": S("Status"), "status_changed": S("time"),
    "assignee": {"type": ["string", "null"], "description": "Who is on it (a console or API user's name); null for no one."}}}
def page(item): return {"type": "object", "required": ["items", "next_offset"], "properties": {"items": {"type": "array", "items": S(item)},
    "next_offset": {"type": ["integer", "null"], "minimum": 0, "description": "The offset of the next page; null on the last page."}}}
schemas["IncidentPage"] = page("IncidentRecord")
schemas["FindingPage"] = page("Finding")
schemas["Comment"] = {"type": "object", "required": ["id", "incident", "author", "time", "text"], "properties": {"id": {"type": "integer"}, "incident": {"type": "string"}, "author": {"type": "string"}, "time": S("time"), "text": {"type": "string"}}}
schemas["IncidentDetail"] = {"allOf": [S("IncidentRecord"), {"type": "object", "required": ["finding_details", "comments"], "properties": {
    "finding_details": {"type": "array", "items": S("Finding")}, "comments": {"type": "array", "items": S("Comment")}}}]}
schemas["AuditEntry"] = {"type": "object", "required": ["seq", "time", "actor", "action", "target", "detail"], "properties": {"seq": {"type": "integer"}, "time": S("time"),
    "actor": {"type": "string", "description": "The token holder's name, or cli:<user>."}, "action": {"type": "string", "examples": ["incident.status", "incident.comment", "token.create", "token.revoke", "sink.replay"]},
    "target": {"type": "string"}, "detail": {"type": "object"}}}
schemas["AuditPage"] = page("AuditEntry")
schemas["IngestReport"] = {"type": "object", "required": ["records", "events", "stored", "duplicates", "not_relevant", "errors", "error_count"], "properties": {
    "records": {"type": "integer", "description": "Records read: lines, array elements, envelope members."},
    "events": {"type": "integer", "description": "Identity events found in them."},
    "stored": {"type": "integer", "description": "Events committed now."},
    "duplicates": {"type": "integer", "description": "Events already stored (or repeated in the body), left as they were."},
    "not_relevant": {"type": "integer", "description": "Records not about identity, ignored by design."},
    "errors": {"type": "array", "items": {"type": "string"}, "description": "The first 20 unreadable records, each `source#request:line: reason`."},
    "error_count": {"type": "integer"}}}
schemas["Token"] = {"type": "object", "required": ["id", "name", "role", "created", "revoked"], "properties": {"id": {"type": "string", "pattern": "^tok_"}, "name": {"type": "string"}, "role": S("Role"), "created": S("time"), "revoked": {"oneOf": [S("time"), {"type": "null"}]}}}
schemas["CreatedToken"] = {"allOf": [S("Token"), {"type": "object", "required": ["token"], "properties": {"token": {"type": "string", "pattern": "^fwt_[0-9a-f]{64}$", "description": "The secret, shown only in this answer."}}}]}
schemas["SinkStatus"] = {"type": "object", "required": ["name", "kind", "pending", "failed"], "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "pending": {"type": "integer"}, "failed": {"type": "integer"}}}
schemas["IdentityKey"] = {"type": "object", "required": ["provider", "tenant", "id"], "properties": {"provider": S("provider"), "tenant": {"type": "string"}, "id": {"type": "string", "description": "The provider's immutable id (or the login where the provider gives no id)."}}}
schemas["IdentitySummary"] = {"type": "object", "required": ["key", "kind", "tier", "factors_bound", "last_seen"], "properties": {"key": S("IdentityKey"), "name": {"type": ["string", "null"]}, "kind": {"type": "string"}, "tier": {"type": "integer", "minimum": 0, "maximum": 2}, "factors_bound": {"type": "integer"}, "last_seen": S("time")}}
schemas["IdentityPage"] = page("IdentitySummary")
schemas["IdentityCandidate"] = {"type": "object", "required": ["provider", "tenant", "id"], "properties": {"provider": {"type": "string"}, "tenant": {"type": "string"}, "id": {"type": "string"},
    "login": {"type": ["string", "null"], "description": "The login detection has seen the account use."}}}
schemas["Ambiguous"] = {"type": "object", "required": ["error", "candidates"], "description": "A login several accounts carry: the error says how to name one, `candidates` lists them.", "properties": {
    "error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"const": "ambiguous"}, "message": {"type": "string"}}},
    "candidates": {"type": "array", "items": S("IdentityCandidate")}}}
schemas["Factor"] = {"type": "object", "description": "A factor and the context it was bound in.", "required": ["key", "class", "bound_at", "relation", "unfamiliar", "flagged_by", "description"], "properties": {
    "key": {"type": "string"}, "kind": {"type": ["string", "null"]}, "class": {"type": "string"}, "bound_at": S("time"), "ip": {"type": ["string", "null"]}, "device": {"type": ["string", "null"]},
    "asn": {"type": ["integer", "null"]}, "country": {"type": ["string", "null"]}, "actor": {"type": ["object", "null"]}, "relation": {"type": "string"}, "unfamiliar": {"type": "boolean"},
    "flagged_by": {"type": "array", "items": {"type": "string"}}, "removed_at": {"oneOf": [S("time"), {"type": "null"}]}, "description": {"type": "string"}, "evidence": {"type": "object"}}}
schemas["IdentityDetail"] = {"type": "object", "description": "The identity as detection sees it: factors with where, when and by whom each was bound, recovery changes, sign-in baseline, tier and blast radius; its recent sign-ins and incidents.",
    "required": ["key", "kind", "tier", "factors", "recovery_changes", "signins", "baseline", "blast_radius", "recent_signins", "incidents"], "properties": {
    "key": S("IdentityKey"), "name": {"type": ["string", "null"]}, "kind": {"type": "string"}, "tier": {"type": "integer", "minimum": 0, "maximum": 2},
    "first_seen": S("time"), "last_seen": S("time"), "factors": {"type": "array", "items": S("Factor")}, "recovery_changes": {"type": "array", "items": {"type": "object"}},
    "signins": {"type": "integer"}, "baseline": {"type": "object", "properties": {"countries": {"type": "array"}, "asns": {"type": "array"}, "devices": {"type": "array"}}},
    "last_signin": {"type": ["object", "null"]}, "risk": {"type": "array", "items": {"type": "object"}}, "secrets_issued": {"type": "array", "items": {"type": "object"}},
    "blast_radius": {"type": "object"}, "recent_signins": {"type": "array", "items": {"type": "object"}}, "incidents": {"type": "array", "items": S("IncidentRecord")}}}
schemas["Coverage"] = {"type": "object", "required": ["sources", "categories", "blind_spots"], "properties": {
    "sources": {"type": "array", "description": "Per provider: first and last event, first sign-in, last factor event, its configured sources (expected interval, silent or not) and blind spots.", "items": {"type": "object", "required": ["provider", "sources", "blind_spots"], "properties": {
        "provider": S("provider"), "tenant": {"type": ["string", "null"]}, "first": {"oneOf": [S("time"), {"type": "null"}]}, "last": {"oneOf": [S("time"), {"type": "null"}]},
        "sources": {"type": "array", "items": {"type": "object", "required": ["name", "expected_interval", "silent"], "properties": {"name": {"type": "string"}, "expected_interval": {"type": "string"}, "silent": {"type": "boolean"}}}},
        "blind_spots": {"type": "array", "items": {"type": "string"}}}}},
    "categories": {"type": "array", "items": {"type": "object", "required": ["provider", "tenant", "category", "events", "first", "last", "per_hour"], "properties": {
        "provider": S("provider"), "tenant": {"type": "string"}, "category": {"type": "string"}, "events": {"type": "integer"}, "first": S("time"), "last": S("time"), "per_hour": {"type": "number"}}}},
    "blind_spots": {"type": "array", "items": S("Finding")}}}

schemas["Outcome"] = {"enum": ["allow", "step_up", "require_approval", "deny"]}
schemas["EnrollmentRequest"] = {"type": "object", "description": "A pending factor binding or recovery change.", "required": ["provider", "tenant", "identity", "factor"], "additionalProperties": False, "properties": {
    "provider": S("provider"), "tenant": {"type": "string", "minLength": 1}, "identity": {"type": "string", "minLength": 1, "description": "The identity whose factors change: immutable id or login."},
    "actor": {"type": "string", "description": "Who makes the change; absent when the identity acts on itself."},
    "factor": {"type": "object", "required": ["kind"], "additionalProperties": False, "properties": {"kind": {"type": "string", "description": "The provider's name for the kind (OKTA_VERIFY_PUSH, fido2, sms)."},
        "class": {"enum": ["unknown", "knowledge", "possession_weak", "app", "phishing_resistant"]}, "device_bound": {"type": "boolean"}, "recovery": {"type": "boolean"}}},
    "context": {"type": "object", "additionalProperties": False, "properties": {"ip": {"type": "string"}, "user_agent": {"type": "string"}, "device_id": {"type": "string"},
        "geo": {"type": "object", "properties": {"country": {"type": "string"}, "city": {"type": "string"}}}, "session_aal": {"type": "integer", "minimum": 1, "maximum": 3, "description": "AAL of the session making the change (default 1)."}}}}}
schemas["Approval"] = {"type": "object", "description": "A four-eyes approval: an enrollment decided `require_approval`, or remediation on an identity.",
  "required": ["id", "key", "purpose", "requester", "eligible", "reasons", "required_aal", "created_at", "expires_at", "state", "version"], "properties": {
    "id": {"type": "string", "pattern": "^apr_"}, "key": {"type": "object", "required": ["provider", "tenant", "identity"], "properties": {"provider": S("provider"), "tenant": {"type": "string"}, "identity": {"type": "string"}}},
    "purpose": {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["enrollment", "remediation"]}, "decision_id": {"type": "string"}, "factor_kind": {"type": "string"}, "what": {"type": "string"}}},
    "requester": {"type": "string"}, "eligible": {"type": "array", "items": {"type": "string", "description": "`soc` or `manager:<id>`."}}, "reasons": {"type": "array", "items": {"type": "string"}},
    "required_aal": {"type": "integer"}, "created_at": S("time"), "expires_at": S("time"), "state": {"enum": ["pending", "approved", "denied", "expired", "consumed"]},
    "reviewer": {"type": "object", "properties": {"id": {"type": "string"}, "role": {"type": "string"}}}, "justification": {"type": "string"}, "decided_at": S("time"), "consumed_at": S("time"), "version": {"type": "integer"}}}
schemas["ApprovalView"] = {"allOf": [S("Approval"), {"type": "object", "required": ["state_now"], "properties": {"state_now": {"enum": ["pending", "approved", "denied", "expired", "consumed"], "description": "The state now: a pending approval past its time reads expired."},
    "identity_name": {"type": "string", "description": "The login detection knows the identity by (absent: none seen)."},
    "requester_name": {"type": "string", "description": "The requester's login, when the requester is an identity's id in the same tenant."}}}]}
schemas["ApprovalPage"] = page("ApprovalView")
schemas["Decision"] = {"type": "object", "required": ["id", "time", "provider", "tenant", "identity", "actor", "factor_kind", "factor_class", "outcome", "reasons", "required_aal", "approvers", "approval_ttl_seconds", "valid_until", "notify", "policies"], "properties": {
    "id": {"type": "string", "pattern": "^dec_"}, "time": S("time"), "provider": S("provider"), "tenant": {"type": "string"}, "identity": {"type": "string", "description": "The identity's immutable id when factorwatch knows it."},
    "actor": {"type": "string"}, "factor_kind": {"type": "string"}, "factor_class": {"type": "string"}, "outcome": S("Outcome"),
    "reasons": {"type": "array", "items": {"type": "object", "required": ["rule", "outcome", "text"], "properties": {"rule": {"type": "string"}, "outcome": S("Outcome"), "text": {"type": "string"}}}},
    "required_aal": {"type": "integer", "minimum": 1, "maximum": 3}, "approvers": {"type": "array", "items": {"type": "string"}}, "approval_ttl_seconds": {"type": "integer"}, "valid_until": S("time"),
    "notify": {"type": "array", "items": {"type": "object", "required": ["to", "rule"], "properties": {"to": {"type": "string"}, "rule": {"type": "string"}, "not_via": {"type": "string", "description": "Not through this channel: the factor being bound (SP 800-63B-4)."}}}},
    "policies": {"type": "array", "items": {"type": "string"}}}}
schemas["DecisionAnswer"] = {"allOf": [S("Decision"), {"type": "object", "required": ["context"], "properties": {"approval": S("Approval"),
    "identity_name": {"type": "string", "description": "The login detection knows the identity by (absent: not seen)."}, "context": {"type": "object", "description": "What factorwatch knew of the identity: tier, manager, delegated, risk, familiar, factors, blast."}}}]}
schemas["Campaign"] = {"type": "object", "required": ["id", "created_at", "period_seconds", "items"], "properties": {"id": {"type": "string", "pattern": "^rvc_"}, "created_at": S("time"), "period_seconds": {"type": "integer"},
    "items": {"type": "array", "items": {"type": "object", "required": ["id", "key", "tier", "factor", "reasons", "eligible", "state"], "properties": {"id": {"type": "string", "pattern": "^rvi_"}, "key": {"type": "object"}, "tier": {"type": "integer"},
        "factor": {"type": "object"}, "reasons": {"type": "array", "items": {"enum": ["bound_without_approval", "older_than_period"]}}, "eligible": {"type": "array", "items": {"type": "string"}}, "state": {"enum": ["open", "attested", "revoked"]},
        "reviewer": {"type": "object"}, "justification": {"type": "string"}, "decided_at": S("time"),
        "identity_name": {"type": "string", "description": "The login detection knows the identity by (absent: none seen)."}}}}}}
schemas["RemediationPlan"] = {"type": "object", "required": ["incident", "steps"], "properties": {"incident": {"type": "string"}, "connector": {"enum": ["okta", "graph"]},
    "steps": {"type": "array", "items": {"type": "object", "required": ["step", "action", "api", "detail", "state", "automated"], "properties": {"step": {"type": "integer"}, "action": {"type": "string"}, "api": {"type": "string"}, "detail": {"type": "string"},
        "state": {"enum": ["todo", "dry_run", "done", "failed", "refused"]}, "automated": {"type": "boolean"}}}}}}
schemas["StepAnswer"] = {"type": "object", "required": ["step", "action", "state"], "properties": {"step": {"type": "integer"}, "action": {"type": "string"}, "state": {"type": "string"},
    "call": {"type": "object", "required": ["dry_run", "request"], "properties": {"dry_run": {"type": "boolean"}, "request": {"type": "object", "description": "Method, URL, masked authorization, body."}, "answer": {"type": "object", "description": "Status, attempts, body."}}}}}
verdict = lambda: json_body({"type": "object", "required": ["justification"], "additionalProperties": False, "properties": {"justification": {"type": "string", "minLength": 1}}}, "Why; required.")
def resp(schema, desc="OK"): return {"description": desc, "content": {"application/json": {"schema": S(schema) if isinstance(schema, str) else schema}}}
err = lambda d: {"description": d, "content": {"application/json": {"schema": S("Error")}}}
common_err = {"401": err("No token, an unknown token, or a revoked one."), "403": err("The token's role does not allow this.")}
def op(summary, ok, role, code="200", params=None, body=None, extra=None, tags=None, security=True):
    o = {"summary": summary, "responses": {code: ok}}
    if role: o["description"] = f"Needs {role}."
    if security: o["responses"].update(common_err)
    else: o["security"] = []
    if params: o["parameters"] = params
    if body: o["requestBody"] = body
    if extra: o["responses"].update(extra)
    if tags: o["tags"] = tags
    return o
def q(name, desc, schema=None): return {"name": name, "in": "query", "required": False, "description": desc, "schema": schema or {"type": "string"}}
def p(name, desc): return {"name": name, "in": "path", "required": True, "description": desc, "schema": {"type": "string"}}
filters = [q("severity", "At least this severity.", S("severity")), q("detector", "Has a finding of this detector, e.g. FW-003."), q("identity", "The identity's id or login, case-insensitive."),
    q("provider", "Provider.", S("provider")), q("tenant", "Tenant."), q("since", "Last finding at or after (RFC 3339).", {"type": "string", "format": "date-time"}),
    q("until", "First finding before (RFC 3339).", {"type": "string", "format": "date-time"}), q("limit", "Rows per page, 1-500 (default 50).", {"type": "integer", "minimum": 1, "maximum": 500}),
    q("offset", "Rows skipped.", {"type": "integer", "minimum": 0})]
paging = [filters[-2], filters[-1]]
json_body = lambda schema, desc: {"required": True, "description": desc, "content": {"application/json": {"schema": schema}}}
raw_body = {"required": True, "description": "Native provider logs as they are: one JSON document, a JSON array, NDJSON, an envelope (`records`, `data.events`, `items`, …), optionally gzip (by `Content-Encoding: gzip` or by content).",
    "content": {"application/json": {"schema": {}}, "application/x-ndjson": {"schema": {"type": "string"}}, "application/gzip": {"schema": {"type": "string", "contentEncoding": "base64"}}}}
ingest_err = {"400": err("No record could be read; the message lists where and why."), "404": err("Unknown provider."), "413": err("The body is larger than `max_body_bytes` (or `max_decompressed_bytes` unzipped)."),
    "429": err("Too many ingest requests at once, or detection is too far behind; retry after `Retry-After` seconds."), "503": err("The store failed or the service is stopping: nothing was acknowledged; retry.")}
ambiguous = {"description": "The login names several accounts; they are listed.", "content": {"application/json": {"schema": S("Ambiguous")}}}
T = ["ingest"]; G = ["gating"]; Q = ["queue"]; I = ["identities"]; A = ["admin"]; O = ["operations"]
paths = {
 "/healthz": {"get": op("The process is up.", resp({"type": "object"}), None, security=False, tags=O)},
 "/readyz": {"get": op("The store answers and detection has restored its state.", resp({"type": "object"}), None, security=False, extra={"503": {"description": "Not ready: restoring, stopping, or the store fails."}}, tags=O)},
 "/metrics": {"get": op("Prometheus metrics (OpenMetrics text).", {"description": "Metrics", "content": {"application/openmetrics-text": {"schema": {"type": "string"}}}}, "a metrics token (made for a scraper: it reads nothing else), or a viewer, analyst, approver or admin token", tags=O)},
 "/v1/openapi.json": {"get": op("This document.", resp({"type": "object"}), None, security=False, tags=O)},
 "/v1/ingest/{provider}": {"post": op("Store native provider logs; 200 means committed.", resp("IngestReport"), "an ingest or admin token", params=[p("provider", "okta, entra, m365, aws (CloudTrail), google, github, duo, auth0 or onelogin.")], body=raw_body, extra=ingest_err, tags=T)},
 "/v1/hooks/okta": {
    "get": op("Okta event hook one-time verification: echoes `x-okta-verification-challenge`.", resp({"type": "object", "required": ["verification"], "properties": {"verification": {"type": "string"}}}), "the configured Authorization value (or an ingest token)",
        params=[{"name": "x-okta-verification-challenge", "in": "header", "required": True, "schema": {"type": "string"}}], extra={"400": err("The challenge header is missing.")}, tags=T),
    "post": op("Okta event hook delivery (`data.events[]`).", resp("IngestReport"), "the configured Authorization value (or an ingest token)", body=raw_body, extra=ingest_err, tags=T)},
 "/v1/hooks/entra": {"post": op("Entra ID diagnostic records as Event Hubs batches (`{\"records\": [...]}`).", resp("IngestReport"), "an ingest or admin token", body=raw_body, extra=ingest_err, tags=T)},
 "/v1/webhooks/{name}": {"post": op("A configured sender's events, signed: `X-Factorwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.", resp("IngestReport"), "a valid signature (no token)", params=[p("name", "The webhook's configured name.")], body=raw_body, extra={**ingest_err, "401": err("The signature is missing or does not match.")}, tags=T, security=False)},
 "/v1/incidents": {"get": op("The incident queue: highest risk first, then earliest.", resp("IncidentPage"), "a viewer, analyst, approver or admin token", params=filters[:5] + [q("status", "In this status.", S("Status")), q("assignee", "Assigned to this name (exactly), or `none` for incidents assigned to no one.")] + filters[5:], extra={"400": err("A filter is not valid.")}, tags=Q)},
 "/v1/incidents/{id}": {"get": op("One incident with its findings and comments.", resp("IncidentDetail"), "a viewer, analyst, approver or admin token", params=[p("id", "Incident id.")], extra={"404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/status": {"post": op("Change an incident's status (with an optional comment); audited.", resp("IncidentRecord"), "an analyst, approver or admin token", params=[p("id", "Incident id.")],
    body=json_body({"type": "object", "required": ["status"], "additionalProperties": False, "properties": {"status": S("Status"), "comment": {"type": "string", "maxLength": 10000}}}, "The new status."), extra={"400": err("Not a status."), "404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/assignee": {"post": op("Assign an incident to a name, or to no one; audited.", resp("IncidentRecord"), "an analyst, approver or admin token", params=[p("id", "Incident id.")],
    body=json_body({"type": "object", "required": ["assignee"], "additionalProperties": False, "properties": {"assignee": {"type": ["string", "null"], "maxLength": 200}}}, "The assignee: a name, or null to clear it."), extra={"400": err("Not a name (1 to 200 bytes, no control characters, not `none`) nor null."), "404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/comments": {"post": op("Comment on an incident; audited.", resp("Comment", "Created"), "an analyst, approver or admin token", code="201", params=[p("id", "Incident id.")],
    body=json_body({"type": "object", "required": ["text"], "additionalProperties": False, "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 10000}}}, "The comment."), extra={"400": err("Empty or too long."), "404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/audit": {"get": op("The audit trail of one incident, newest first.", resp("AuditPage"), "a viewer, analyst, approver or admin token", params=[p("id", "Incident id.")] + paging, tags=Q)},
 "/v1/findings": {"get": op("Findings, newest first.", resp("FindingPage"), "a viewer, analyst, approver or admin token", params=filters, extra={"400": err("A filter is not valid.")}, tags=Q)},
 "/v1/findings/{id}": {"get": op("One finding.", resp("Finding"), "a viewer, analyst, approver or admin token", params=[p("id", "Finding id.")], extra={"404": err("No such finding.")}, tags=Q)},
 "/v1/identities": {"get": op("Identities detection knows, most privileged first.", resp("IdentityPage"), "a viewer, analyst, approver or admin token", params=[q("provider", "Provider.", S("provider")), q("tenant", "Tenant."), q("q", "Part of the id or name.")] + paging, tags=I)},
 "/v1/identities/lookup": {"get": op("The one identity an id or login names, in any provider and tenant (or those given); 409 with every account when it names several.", resp("IdentityDetail"), "a viewer, analyst, approver or admin token",
    params=[dict(q("login", "An id or a login, optionally prefixed by its provider (`okta:alice@acme.com`)."), required=True), q("provider", "Only this provider's accounts."), q("tenant", "Only this tenant's accounts.")],
    extra={"400": err("No `login`, or an unknown provider."), "404": err("No identity has that id or login."), "409": ambiguous}, tags=I)},
 "/v1/identities/{provider}/{tenant}/{id}": {"get": op("One identity: factors with binding context, recent sign-ins, tier, blast radius, incidents.", resp("IdentityDetail"), "a viewer, analyst, approver or admin token",
    params=[p("provider", "Provider."), p("tenant", "Tenant."), p("id", "Immutable id or login; a login several accounts of the tenant carry is answered 409 with the accounts.")], extra={"404": err("No such identity."), "409": ambiguous}, tags=I)},
 "/v1/sources": {"get": op("Sources and coverage: last event per source, rates, categories seen, blind spots (FW-011).", resp("Coverage"), "a viewer, analyst, approver or admin token", tags=I)},
 "/v1/tokens": {
    "get": op("Tokens (never their secrets or hashes).", resp({"type": "array", "items": S("Token")}), "an admin token", tags=A),
    "post": op("Create a token; the secret is in this answer only.", resp("CreatedToken", "Created"), "an admin token", code="201",
        body=json_body({"type": "object", "required": ["name", "role"], "additionalProperties": False, "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "role": S("Role")}}, "Who holds it and its role."), extra={"400": err("Bad name or role.")}, tags=A)},
 "/v1/tokens/{id}": {"delete": op("Revoke a token; it stops working at once.", {"description": "Revoked"}, "an admin token", code="204", params=[p("id", "Token id (tok_…).")], extra={"404": err("No such token.")}, tags=A)},
 "/v1/audit": {"get": op("The audit log, newest first.", resp("AuditPage"), "an admin token", params=[q("target", "Only entries about this target.")] + paging, tags=A)},
 "/v1/sinks": {"get": op("Configured sinks with pending and failed deliveries.", resp({"type": "array", "items": S("SinkStatus")}), "a viewer, analyst, approver or admin token", tags=A)},
 "/v1/sinks/{name}/replay": {"post": op("Queue a sink's failed deliveries again.", resp({"type": "object", "required": ["sink", "replayed"], "properties": {"sink": {"type": "string"}, "replayed": {"type": "integer"}}}), "an admin token", params=[p("name", "Sink name.")], extra={"404": err("No such sink.")}, tags=A)},
 "/v1/admin/drain": {"post": op("End of a backfill: process everything held for reordering, run due checks, read blind spots now.", resp({"type": "object", "required": ["processed_seq"], "properties": {"processed_seq": {"type": "integer"}}}), "an admin token", extra={"503": err("Detection did not catch up within 120 s; ask again.")}, tags=A)},
 "/v1/decisions/enrollment": {"post": op("Decide a pending factor binding: allow, step_up, require_approval or deny, with reasons, the AAL required, approvers and whom to notify; filed in the ledger (a require_approval opens a pending approval).", resp("DecisionAnswer", "Decided"), "an ingest, analyst, approver or admin token", code="201",
    body=json_body(S("EnrollmentRequest"), "The change and its context."), extra={"400": err("The request is not valid (unknown field, bad session_aal, empty identity)."), "503": err("Detection state is still being restored.")}, tags=G)},
 "/v1/decisions/{id}": {"get": op("One decision.", resp("Decision"), "a viewer, analyst, approver or admin token", params=[p("id", "Decision id (dec_…).")], extra={"404": err("No such decision.")}, tags=G)},
 "/v1/approvals": {"get": op("Approvals, newest first; `state=pending` lists those still open now.", resp("ApprovalPage"), "a viewer, analyst, approver or admin token", params=[q("state", "pending, approved, denied, expired or consumed.")] + paging, extra={"400": err("Unknown state.")}, tags=G)},
 "/v1/approvals/{id}": {"get": op("One approval with its state now.", resp("ApprovalView"), "a viewer, analyst, approver or admin token", params=[p("id", "Approval id (apr_…).")], extra={"404": err("No such approval.")}, tags=G)},
 "/v1/approvals/{id}/approve": {"post": op("Approve, with a justification. Four eyes: never the requester, never the identity the change is about; only an eligible approver.", resp("ApprovalView"), "an approver or admin token", params=[p("id", "Approval id.")], body=verdict(),
    extra={"400": err("No justification."), "404": err("No such approval."), "409": err("Expired, already decided, or changed meanwhile.")}, tags=G)},
 "/v1/approvals/{id}/deny": {"post": op("Deny, with a justification (same four-eyes rules).", resp("ApprovalView"), "an approver or admin token", params=[p("id", "Approval id.")], body=verdict(),
    extra={"400": err("No justification."), "404": err("No such approval."), "409": err("Expired, already decided, or changed meanwhile.")}, tags=G)},
 "/v1/revalidation/campaigns": {
    "get": op("The latest revalidation campaigns.", resp({"type": "array", "items": S("Campaign")}), "a viewer, analyst, approver or admin token", tags=G),
    "post": op("Open a campaign: privileged identities' factors bound without approval or longer ago than the period.", resp("Campaign", "Created"), "an approver or admin token", code="201", extra={"503": err("Detection state is still being restored.")}, tags=G)},
 "/v1/revalidation/campaigns/{id}": {"get": op("One campaign.", resp("Campaign"), "a viewer, analyst, approver or admin token", params=[p("id", "Campaign id (rvc_…).")], extra={"404": err("No such campaign.")}, tags=G)},
 "/v1/revalidation/campaigns/{id}/items/{item}/attest": {"post": op("Attest that a factor belongs (four eyes: not the identity itself).", resp("Campaign"), "an approver or admin token", params=[p("id", "Campaign id."), p("item", "Item id (rvi_…).")], body=verdict(),
    extra={"400": err("No justification."), "404": err("No such campaign or item."), "409": err("Already decided, or the campaign changed meanwhile.")}, tags=G)},
 "/v1/revalidation/campaigns/{id}/items/{item}/revoke": {"post": op("Mark a factor for removal.", resp("Campaign"), "an approver or admin token", params=[p("id", "Campaign id."), p("item", "Item id (rvi_…).")], body=verdict(),
    extra={"400": err("No justification."), "404": err("No such campaign or item."), "409": err("Already decided, or the campaign changed meanwhile.")}, tags=G)},
 "/v1/incidents/{id}/remediation": {"get": op("The incident's remediation plan with each step's state and whether a connector performs it.", resp("RemediationPlan"), "a viewer, analyst, approver or admin token", params=[p("id", "Incident id.")], extra={"404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/remediation/approval": {"post": op("Ask the SOC to approve executing remediation on the incident's identity.", resp("Approval", "Requested"), "an analyst, approver or admin token", code="201", params=[p("id", "Incident id.")],
    body=json_body({"type": "object", "required": ["reason"], "additionalProperties": False, "properties": {"reason": {"type": "string", "minLength": 1}}}, "Why."), extra={"400": err("No reason."), "404": err("No such incident.")}, tags=Q)},
 "/v1/incidents/{id}/remediation/steps/{step}": {"post": op("Run one plan step through the provider connector: a dry run (the request it would send) unless `execute`; executing a change needs an approved remediation approval. Every call and answer is audited.", resp("StepAnswer"), "an analyst, approver or admin token", params=[p("id", "Incident id."), p("step", "Step number.")],
    body=json_body({"type": "object", "additionalProperties": False, "properties": {"execute": {"type": "boolean"}, "approval": {"type": "string"}, "factor": {"type": "string"}, "method_type": {"type": "string"}, "application": {"type": "string"}, "key_id": {"type": "string"}, "done_by_hand": {"type": "boolean"}}}, "What to do."),
    extra={"400": err("A field the step needs is missing."), "404": err("No such incident or step."), "409": err("No connector for the provider, or the approval is not approved."), "422": err("The step has no connector call: do it at the provider."), "502": err("The provider refused the call."), "503": err("The provider throttled the call.")}, tags=Q)},
}
doc = {"openapi": "3.1.0", "info": {"title": "factorwatch", "version": "0.1.0", "summary": "Identity threat detection and response: live ingestion, the incident queue, identities and coverage.",
  "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
  "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}],
  "tags": [{"name": "ingest", "description": "Events in: provider logs, Okta event hooks, Entra Event Hubs batches, signed webhooks."}, {"name": "queue", "description": "Incidents and findings, triage."},
           {"name": "identities", "description": "Identities and coverage."}, {"name": "gating", "description": "Enrollment decisions, four-eyes approvals, revalidation campaigns."}, {"name": "admin", "description": "Tokens, audit log, sinks, drain."}, {"name": "operations", "description": "Health, readiness, metrics."}],
  "paths": paths,
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API token (`factorwatch token create`)."}}, "schemas": schemas}}
json.dump(doc, open(os.path.join(ROOT, 'crates/server/openapi.json'), 'w'), indent=1)
print(f"wrote crates/server/openapi.json: {sum(len(v) for v in paths.values())} operations")
