// JSON schemas for every input. SPEC section 1 is the source; additionalProperties is closed
// wherever SPEC says "no others are allowed", so a typo can never change a decision silently.

import { compileValidator } from './ajv.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const stringOrStrings = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
} as const;

export const blockerMapSchema = {
  $id: 'blockgate/blocker-map',
  type: 'object',
  required: ['blockers'],
  properties: {
    blockers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'actor_needed', 'blocks'],
        properties: {
          id: nonEmptyString,
          actor_needed: stringOrStrings,
          blocks: stringOrStrings,
          item: { type: 'string' },
          evidence: { type: 'string' },
          next_action: { type: 'string' },
          evidence_required: { type: 'boolean' },
          after: { type: 'array', items: nonEmptyString },
        },
      },
    },
    resolved_in_this_macro: { type: 'array', items: nonEmptyString },
  },
} as const;

export const trustSchema = {
  $id: 'blockgate/trust',
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'role', 'public_key'],
        additionalProperties: false,
        // principal (optional, SPEC 1.4): the person or team holding the key, printed in rule messages.
        properties: { id: nonEmptyString, role: nonEmptyString, public_key: nonEmptyString, principal: { ...nonEmptyString, format: 'printable' } },
      },
    },
  },
} as const;

const tagList = { type: 'object', required: ['tags'], additionalProperties: false, properties: { tags: { type: 'array', items: { type: 'string' } } } } as const;
const nameToTags = { type: 'object', propertyNames: { minLength: 1, format: 'printable' }, additionalProperties: tagList } as const;

export const catalogSchema = {
  $id: 'blockgate/catalog',
  type: 'object',
  required: ['actions', 'environments'],
  additionalProperties: false,
  properties: { actions: nameToTags, environments: nameToTags },
} as const;

const sha256Hex = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const time = { type: 'string', format: 'rfc3339' } as const;
const evidence = {
  type: 'array',
  items: {
    type: 'object',
    required: ['uri', 'sha256'],
    additionalProperties: false,
    properties: { uri: nonEmptyString, sha256: sha256Hex },
  },
} as const;

/** The fields of a grant, without the signing envelope (seq, key, prev, sig). */
const grantFields = {
  id: nonEmptyString,
  type: { const: 'grant' },
  role: nonEmptyString,
  issued_at: time,
  action: nonEmptyString,
  environment: nonEmptyString,
  target: nonEmptyString,
  resolves: { type: 'array', minItems: 1, uniqueItems: true, items: nonEmptyString },
  expires_at: time,
  evidence,
  note: { type: 'string' },
} as const;
const grantRequired = ['id', 'type', 'role', 'issued_at', 'action', 'environment', 'resolves'] as const;

const revokeFields = {
  id: nonEmptyString,
  type: { const: 'revoke' },
  role: nonEmptyString,
  issued_at: time,
  revokes: nonEmptyString,
  note: { type: 'string' },
} as const;
const revokeRequired = ['id', 'type', 'role', 'issued_at', 'revokes'] as const;

/** Ed25519 signatures are 64 bytes: 88 characters of padded standard base64. */
export const SIGNATURE_PATTERN = '^[A-Za-z0-9+/]{86}==$';

const envelope = {
  seq: { type: 'integer', minimum: 1 },
  key: nonEmptyString,
  prev: sha256Hex,
  sig: { type: 'string', pattern: SIGNATURE_PATTERN },
} as const;
const envelopeRequired = ['seq', 'key', 'prev', 'sig'] as const;

function entrySchema(id: string, withEnvelope: boolean) {
  const extra = withEnvelope ? envelope : {};
  const extraRequired = withEnvelope ? envelopeRequired : [];
  return {
    $id: id,
    type: 'object',
    required: ['type'],
    properties: { type: { enum: ['grant', 'revoke'] } },
    if: { properties: { type: { const: 'grant' } } },
    then: {
      required: [...grantRequired, ...extraRequired],
      additionalProperties: false,
      properties: { ...grantFields, ...extra },
    },
    else: {
      required: [...revokeRequired, ...extraRequired],
      additionalProperties: false,
      properties: { ...revokeFields, ...extra },
    },
  };
}

/** A signed ledger line (SPEC 1.4). */
export const ledgerEntrySchema = entrySchema('blockgate/ledger-entry', true);
/** A hypothetical what-if line: the same fields, authentic by assumption, no seq/key/prev/sig. */
export const hypotheticalEntrySchema = entrySchema('blockgate/hypothetical-entry', false);

export const validateBlockerMap = compileValidator(blockerMapSchema, 'map-schema');
export const validateTrust = compileValidator(trustSchema, 'trust-schema');
export const validateCatalog = compileValidator(catalogSchema, 'catalog-schema');
export const validateLedgerEntry = compileValidator(ledgerEntrySchema, 'ledger-schema');
export const validateHypotheticalEntry = compileValidator(hypotheticalEntrySchema, 'ledger-schema');
