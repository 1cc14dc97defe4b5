import { describe, expect, it } from 'vitest';
import { signCheckpoint, verifyCheckpointNote } from '#audit/checkpoint.js';
import { noteKeyId, parseNote, ED25519_TYPE } from '#audit/note.js';
import { fromBase64, toHex } from '#core/encoding.js';
import { utf8 } from '#core/bytes.js';
import { ed25519PublicKey, ed25519Verify } from '#crypto/ed25519.js';
import { freshSigner } from '../helpers/audit.js';

describe('C2SP signed notes and checkpoints', () => {
  it('verifies the worked example of c2sp.org/signed-note (key ID 530d903a and its Ed25519 signature)', () => {
    // The spec's example verifier key and signed note (c2sp.org/signed-note §Example).
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const note =
      'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    const [name, id, key] = vkey.split('+') as [string, string, string];
    const typeAndKey = fromBase64(key);
    expect(typeAndKey[0]).toBe(1);
    const pub = typeAndKey.slice(1);
    expect(toHex(noteKeyId(name, ED25519_TYPE, pub))).toBe(id);
    const parsed = parseNote(note);
    expect(parsed.text).toBe('This is an example message.\n');
    const sig = parsed.signatures[0];
    expect(sig?.name).toBe(name);
    expect(toHex(sig?.keyId ?? new Uint8Array())).toBe(id);
    expect(
      ed25519Verify(ed25519PublicKey(pub), utf8.encode(parsed.text), sig?.signature ?? new Uint8Array()),
    ).toBe(true);
  });

  it('signs a checkpoint with an Ed25519 and an ML-DSA-65 line, both verifying', async () => {
    const signer = freshSigner();
    const note = await signCheckpoint(
      { origin: 'aegis.local/log/t', size: 3, root: new Uint8Array(32) },
      signer,
    );
    const parsed = parseNote(note);
    expect(parsed.text).toBe('aegis.local/log/t\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
    expect(parsed.signatures).toHaveLength(2);
    expect(note.split('\n').filter((l) => l.startsWith('\u2014 '))).toHaveLength(2);
    const keys = { ed25519: signer.publicKeys.ed25519.spki, mldsa: signer.publicKeys.mldsa.spki };
    expect(verifyCheckpointNote(note, keys)).toMatchObject({ ed25519: true, mldsa: true });
    const other = freshSigner();
    expect(
      verifyCheckpointNote(note, {
        ed25519: other.publicKeys.ed25519.spki,
        mldsa: other.publicKeys.mldsa.spki,
      }),
    ).toMatchObject({ ed25519: false, mldsa: false });
    expect(verifyCheckpointNote(note.replace('\n3\n', '\n4\n'), keys)).toMatchObject({
      ed25519: false,
      mldsa: false,
    });
  });

  it('rejects malformed notes with NOTE_MALFORMED', () => {
    expect(() => parseNote('no blank line\n— a AAAA\n')).toThrow(
      expect.objectContaining({ code: 'NOTE_MALFORMED' }),
    );
    expect(() => parseNote('text\n\n— a AAAAAAA=\n\u0007')).toThrow(
      expect.objectContaining({ code: 'NOTE_MALFORMED' }),
    );
  });
});
