#!/usr/bin/env bash
# Rebuilds the rules demo's ledger with the test-only owner key: one grant, valid for 7 days
# (within max-grant-lifetime's 14), no evidence, so the blocker map alone allows a production
# apply and only the change freeze (year-end, from 2026-12-21 18:00 Europe/Berlin) can deny it.
# Ed25519 signatures are deterministic, so the same entry gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
L=examples/rules/bundle/demo/grants.jsonl
rm -f "$L"
# --force: the entry is dated in December 2026, however far that is from the clock today.
bin/blockgate ledger append --ledger "$L" --key fixtures/keys/owner-1.test-only.key --key-id owner-1 \
  --trust fixtures/trust.test-only.json --blockers examples/rules/bundle/demo/blockers.json --force \
  --id G-OWNER-DEMO-1 --issued-at 2026-12-20T09:00:00Z --expires-at 2026-12-27T09:00:00Z \
  --action apply --env production --resolves DEMO-PROD-APPLY-1 >/dev/null
