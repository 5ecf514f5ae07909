/**
 * JSON Schemas of the WebAuthn answers browsers send (the JSON forms @simplewebauthn/browser produces):
 * shapes and sizes only; the content is checked by @simplewebauthn/server.
 */
const b64url = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' }) as const;

const common = {
  id: b64url(1024),
  rawId: b64url(1024),
  type: { type: 'string', const: 'public-key' },
  authenticatorAttachment: { type: 'string', enum: ['platform', 'cross-platform'] },
  // The extensions a browser may report back; anything else is not an extension result.
  clientExtensionResults: {
    type: 'object',
    properties: {
      appid: { type: 'boolean' },
      credProps: { type: 'object', properties: { rk: { type: 'boolean' } }, additionalProperties: false },
      hmacCreateSecret: { type: 'boolean' },
      largeBlob: { type: 'object', maxProperties: 4 },
      prf: { type: 'object', maxProperties: 4 },
    },
    additionalProperties: false,
  },
} as const;

export const registrationResponse = {
  type: 'object',
  properties: {
    ...common,
    response: {
      type: 'object',
      properties: {
        clientDataJSON: b64url(4096),
        attestationObject: b64url(65536),
        transports: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 32 } },
        authenticatorData: b64url(65536),
        publicKey: b64url(8192),
        publicKeyAlgorithm: { type: 'integer' },
      },
      required: ['clientDataJSON', 'attestationObject'],
      additionalProperties: false,
    },
  },
  required: ['id', 'rawId', 'type', 'response', 'clientExtensionResults'],
  additionalProperties: false,
} as const;

export const authenticationResponse = {
  type: 'object',
  properties: {
    ...common,
    response: {
      type: 'object',
      properties: {
        clientDataJSON: b64url(4096),
        authenticatorData: b64url(65536),
        // Post-quantum keys sign long: ML-DSA-87 signatures are 4,627 bytes (Chromium's virtual authenticator makes ML-DSA-44 keys).
        signature: b64url(8192),
        userHandle: b64url(1024),
      },
      required: ['clientDataJSON', 'authenticatorData', 'signature'],
      additionalProperties: false,
    },
  },
  required: ['id', 'rawId', 'type', 'response', 'clientExtensionResults'],
  additionalProperties: false,
} as const;
