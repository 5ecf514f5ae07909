import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeAttachment } from './sanitize.ts';
import { plantedHar, sanitizeBytes } from './test-hars.ts';

const SENTINEL = 'sentinel-Zq81xWv3';

describe('attachment kind, from the content alone', () => {
  it('calls a HAR log a HAR, any other JSON JSON, and anything else text', async () => {
    const cases: [string, string][] = [
      [JSON.stringify(plantedHar().har), 'har'],
      ['[{"a":1},{"b":2}]', 'json'],
      ['{"log": [2, 1, 3]}', 'json'],
      ['{"level":"info","msg":"a"}\n{"level":"warn","msg":"b"}\n', 'json'],
      ['[2026-11-29 10:00:00] INFO started\n', 'text'],
      ['[INFO] started\n', 'text'],
      ['{ts=2026-11-29} started\n', 'text'],
      ['plain words\n', 'text'],
      ['', 'text'],
    ];
    for (const [input, kind] of cases) {
      const { outcome } = await sanitizeBytes(Buffer.from(input));
      assert.ok(outcome.ok, input);
      assert.equal(outcome.kind, kind, input);
    }
  });

  it('accepts a UTF-8 byte order mark and leaves it out of the output', async () => {
    const { outcome, output } = await sanitizeBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"log":{"version":"1.2","entries":[]}}')]));
    assert.ok(outcome.ok && outcome.kind === 'har');
    assert.equal(output.toString('utf8'), '{"log":{"version":"1.2","entries":[]}}');
  });
});

describe('refused uploads', () => {
  const binaries: [string, Buffer][] = [
    ['a PNG image', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(SENTINEL)])],
    ['a ZIP archive', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(SENTINEL)])],
    ['an ELF executable', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]), Buffer.from(SENTINEL)])],
    ['a PDF document', Buffer.from(`%PDF-1.7\n${SENTINEL}\n`)],
    ['a Windows executable', Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00]), Buffer.from(SENTINEL)])],
    ['NUL bytes', Buffer.concat([Buffer.from(`log line ${SENTINEL}\n`.repeat(200)), Buffer.from([0]), Buffer.from('more\n')])],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`log line ${SENTINEL}\n`), Buffer.from([0xc3, 0x28])])],
    ['a sequence cut short at the end', Buffer.concat([Buffer.from(`log line ${SENTINEL}\n`), Buffer.from([0xe2, 0x82])])],
    ['UTF-16 text', Buffer.from(`{"log": "${SENTINEL}"}`, 'utf16le')],
  ];
  for (const [what, input] of binaries) {
    it(`refuses ${what} as unsupported content, without quoting it`, async () => {
      const { outcome } = await sanitizeBytes(input, 5);
      assert.ok(!outcome.ok);
      assert.equal(outcome.reason, 'unsupported_content');
      assert.ok(!outcome.message.includes(SENTINEL));
    });
  }

  it('accepts a multi-byte character split across chunks', async () => {
    const { outcome, output } = await sanitizeBytes(Buffer.from('Zoë 東京 😀 done\n'), 1);
    assert.ok(outcome.ok);
    assert.equal(output.toString('utf8'), 'Zoë 東京 😀 done\n');
  });

  const malformed: [string, string][] = [
    ['a truncated HAR', JSON.stringify(plantedHar().har).slice(0, 5000)],
    ['a trailing comma', `[{"a":"${SENTINEL}"},]`],
    ['a missing comma', `{"log": [2,1,3] "${SENTINEL}"}`],
    ['garbage after the JSON', `[1,2,3] ${SENTINEL}`],
    ['an entry that is not JSON', `{"log":{"version":"1.2","entries":[{"request": ${SENTINEL}}]}}`],
    ['a HAR without an entries array', `{"log":{"version":"1.2","creator":{"name":"${SENTINEL}"}}}`],
    ['a HAR entry without a response', `{"log":{"version":"1.2","entries":[{"request":{"url":"https://x/${SENTINEL}"}}]}}`],
    ['a bad escape in a body', `{"log":{"entries":[{"startedDateTime":"x","request":{"url":"https://x/"},"response":{"content":{"text":"a\\q${SENTINEL}"}}}]}}`],
    ['a bad escape in a large body that is read', `{"log":{"entries":[{"startedDateTime":"x","request":{"url":"https://x/"},"response":{"content":{"mimeType":"application/json","text":"{\\"password\\":\\"${'x'.repeat(3000)}\\q${SENTINEL}\\"}"}}}]}}`],
  ];
  for (const [what, input] of malformed) {
    it(`answers malformed for ${what}, without quoting it`, async () => {
      const { outcome } = await sanitizeBytes(Buffer.from(input), 97);
      assert.ok(!outcome.ok, what);
      assert.equal(outcome.reason, 'malformed');
      assert.ok(!outcome.message.includes(SENTINEL));
    });
  }

  it('stops reading as soon as the input passes maxBytes and answers too_large', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          yield Buffer.from(`{"line":"${SENTINEL}"}\n`.repeat(100));
        }
      } finally {
        closed = true;
      }
    }
    const outcome = await sanitizeAttachment(endless(), () => {}, { maxBytes: 10_000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'too_large');
    assert.ok(!outcome.message.includes(SENTINEL));
    assert.ok(pulled <= 5, `pulled ${pulled} chunks`);
    assert.ok(closed, 'the source was not closed');
  });

  it('refuses a single entry larger than maxUnitBytes, however small the whole limit allows', async () => {
    const har = { log: { version: '1.2', entries: [{ startedDateTime: 'x', request: { url: 'https://x/' }, response: { content: { text: 'y'.repeat(50_000) } } }] } };
    const outcome = await sanitizeAttachment((async function* () {
      yield Buffer.from(JSON.stringify(har));
    })(), () => {}, { maxUnitBytes: 10_000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'too_large');
  });
});

describe('streaming', () => {
  it('writes byte-identical output for 1-byte, odd-sized and large chunks', async () => {
    const inputs = [
      Buffer.from(JSON.stringify(plantedHar().har, null, 2)),
      Buffer.from(`a=1 password=hunter2x Authorization: Bearer abcdef0123456789XYZ\n${'plain line é\n'.repeat(50)}-----BEGIN PRIVATE KEY-----\nMIIEabc\n-----END PRIVATE KEY-----\n`),
      Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i, token: `t${i}-secret-value`, note: 'ok' })))),
    ];
    for (const input of inputs) {
      const reference = await sanitizeBytes(input, 1024 * 1024);
      for (const size of [1, 7, 4093]) {
        const { outcome, output } = await sanitizeBytes(input, size);
        assert.deepEqual(outcome, reference.outcome);
        assert.ok(output.equals(reference.output), `chunks of ${size} differ`);
      }
    }
  });

  it('does not depend on the source keeping its chunks intact after handing them over', async () => {
    const input = Buffer.from(JSON.stringify(plantedHar().har));
    const reference = await sanitizeBytes(input);
    const scratch = Buffer.alloc(1000);
    async function* reused() {
      for (let at = 0; at < input.length; at += scratch.length) {
        const n = input.copy(scratch, 0, at, at + scratch.length);
        yield scratch.subarray(0, n);
        scratch.fill(0x7a);
      }
    }
    const out: Buffer[] = [];
    const outcome = await sanitizeAttachment(reused(), (chunk) => {
      out.push(chunk);
    });
    assert.deepEqual(outcome, reference.outcome);
    assert.ok(Buffer.concat(out).equals(reference.output));
  });

  it('waits for an asynchronous sink before reading on', async () => {
    let writing = false;
    const outcome = await sanitizeAttachment((async function* () {
      for (let i = 0; i < 20; i++) yield Buffer.from(`line ${i} password=secret${i}value\n`.repeat(20_000));
    })(), async () => {
      assert.equal(writing, false);
      writing = true;
      await new Promise((resolve) => setTimeout(resolve, 1));
      writing = false;
    });
    assert.ok(outcome.ok);
    assert.equal(outcome.removed.password, 400_000);
  });

  it('reports bytes in and out', async () => {
    const input = Buffer.from('token=abcdefghij0123456789\n');
    const { outcome, output } = await sanitizeBytes(input);
    assert.ok(outcome.ok);
    assert.equal(outcome.bytesIn, input.length);
    assert.equal(outcome.bytesOut, output.length);
    assert.equal(output.toString('utf8'), 'token=[redacted]\n');
  });
});
