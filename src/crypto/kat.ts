import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { fromHex, toHex } from '../core/encoding.js';
import { encodePkcs8Seed } from './der.js';
import { sha3_256 } from './hash.js';

/**
 * Built-in known-answer tests, run by `aegis selftest` always (and alone when the ACVP fixtures are absent).
 * Sources: FIPS 202 examples for SHA3-256, RFC 8032 §7.1 TEST 1 and TEST 2 for Ed25519, and for ML-DSA the
 * first keyGen case of each parameter set in NIST ACVP ML-DSA-keyGen-FIPS204 (v1.1.0.43), kept as the seed
 * and the SHA3-256 digests of the expected public and secret keys.
 */
export interface KatResult {
  name: string;
  ok: boolean;
  detail?: string;
}

const SHA3_KATS = [
  { msg: '', digest: 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a' },
  { msg: 'abc', digest: '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532' },
];

const ED25519_KATS = [
  {
    name: 'RFC 8032 TEST 1',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'RFC 8032 TEST 2',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

const MLDSA_KATS = [
  {
    set: 'ML-DSA-44',
    impl: ml_dsa44,
    tcId: 1,
    seed: '7194B13C95231010AFD2C909992BD2003BA6F437C3886BDBE3F6B867A14BA161',
    pk: 'd8d9aa0403ddc91a7f2ab668fea9e85f59a6f519beb9499ffc937d6ed76442e3',
    sk: '0772f7ccc3674b859c9ed70da44b3559cec44bbdf75b8ea31e04a23fa6871b24',
  },
  {
    set: 'ML-DSA-65',
    impl: ml_dsa65,
    tcId: 26,
    seed: 'A991FD42B071D49C48AE3E75C647459E0DAAD1E1BA356A04801912D3294BCFF8',
    pk: '0083e4d4f562780dd5ef685c88db5afcdac44d1b4be5e4253d0de771100316f3',
    sk: '9a6fe5796bc8b61c6eb274cc5905b3d3ce21693c9e7fd32db79b1cff49e93717',
  },
  {
    set: 'ML-DSA-87',
    impl: ml_dsa87,
    tcId: 51,
    seed: 'A16F5B0796703E2D1A0140A35CBF36EFABE70E752BA59B6A9A0E9C4B05302F73',
    pk: '9df39232077a88b3b36c0d4b37d2d369f942baaaa436cf5486a1f09d45d7ce0b',
    sk: 'c41388f22cf3bc0ce79eb5fccfafeee5ec31e3d4321a8befe7f230d6c4841cf0',
  },
];

export function runBuiltinKats(): KatResult[] {
  const out: KatResult[] = [];
  for (const k of SHA3_KATS) {
    out.push({ name: `SHA3-256("${k.msg}")`, ok: toHex(sha3_256(k.msg)) === k.digest });
  }
  for (const k of ED25519_KATS) {
    const priv = createPrivateKey({
      key: Buffer.from(encodePkcs8Seed('ed25519', fromHex(k.secret))),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    const sig = sign(null, fromHex(k.msg), priv);
    out.push({
      name: `Ed25519 ${k.name}`,
      ok: toHex(new Uint8Array(pub)).endsWith(k.public) && sig.toString('hex') === k.sig,
    });
  }
  for (const k of MLDSA_KATS) {
    const { publicKey, secretKey } = k.impl.keygen(fromHex(k.seed));
    const ok = toHex(sha3_256(publicKey)) === k.pk && toHex(sha3_256(secretKey)) === k.sk;
    const msg = new Uint8Array([1, 2, 3]);
    const roundTrip = k.impl.verify(k.impl.sign(msg, secretKey), msg, publicKey);
    out.push({ name: `${k.set} keyGen ACVP tcId ${k.tcId} + sign/verify`, ok: ok && roundTrip });
  }
  return out;
}
