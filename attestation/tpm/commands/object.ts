import { ByteWriter } from '#core/bytes.js';
import {
  type AuthCommand,
  EMPTY_PASSWORD,
  encodeCommand,
  expectEnd,
  paramReader,
  type TpmCommand,
  type TpmResponse,
} from '../command.js';
import { TPM_CC } from '../constants.js';
import { getTpm2b, putPcrSelection, putTpm2b } from '../marshal.js';
import { marshalPublic, parsePublic, type TpmtPublic } from '../public.js';

/** TPM2B_SENSITIVE_CREATE (Part 2 §11.1.16): size ‖ userAuth (TPM2B_AUTH) ‖ data (TPM2B_SENSITIVE_DATA). */
function sensitiveCreate(userAuth: Uint8Array, data: Uint8Array): Uint8Array {
  const inner = putTpm2b(putTpm2b(new ByteWriter(), userAuth), data).finish();
  return putTpm2b(new ByteWriter(), inner).finish();
}

export function createParams(template: TpmtPublic, data: Uint8Array): Uint8Array {
  const w = new ByteWriter().bytes(sensitiveCreate(new Uint8Array(0), data));
  putTpm2b(w, marshalPublic(template));
  putTpm2b(w, new Uint8Array(0)); // outsideInfo
  putPcrSelection(w, []); // creationPCR: none
  return w.finish();
}

/** TPM2_CreatePrimary (Part 3 §24.1) in `primaryHandle` (TPM_RH_OWNER, _ENDORSEMENT …) with its empty auth. */
export function createPrimary(primaryHandle: number, template: TpmtPublic): TpmCommand {
  return encodeCommand(
    TPM_CC.CreatePrimary,
    [primaryHandle],
    [EMPTY_PASSWORD],
    createParams(template, new Uint8Array(0)),
    1,
  );
}

export interface CreatePrimaryResult {
  objectHandle: number;
  outPublic: TpmtPublic;
  /** The raw TPMT_PUBLIC bytes, for names and files. */
  outPublicBytes: Uint8Array;
  name: Uint8Array;
}

/** Skips TPM2B_CREATION_DATA, creationHash and TPMT_TK_CREATION (Part 3 §24.1 and §12.1 responses). */
function skipCreation(r: ReturnType<typeof paramReader>): void {
  getTpm2b(r, 'creationData');
  getTpm2b(r, 'creationHash');
  r.u16be('creationTicket.tag');
  r.u32be('creationTicket.hierarchy');
  getTpm2b(r, 'creationTicket.digest');
}

export function parseCreatePrimary(resp: TpmResponse): CreatePrimaryResult {
  const r = paramReader(resp, 'CreatePrimary');
  const outPublicBytes = getTpm2b(r, 'outPublic');
  skipCreation(r);
  const name = getTpm2b(r, 'name');
  expectEnd(r, 'CreatePrimary');
  return {
    objectHandle: resp.handles[0] as number,
    outPublic: parsePublic(outPublicBytes),
    outPublicBytes,
    name,
  };
}

/** TPM2_Create (Part 3 §12.1): a child of a loaded storage parent; `data` is the secret for a sealed object. */
export function create(
  parentHandle: number,
  template: TpmtPublic,
  data: Uint8Array = new Uint8Array(0),
): TpmCommand {
  return encodeCommand(TPM_CC.Create, [parentHandle], [EMPTY_PASSWORD], createParams(template, data));
}

export interface CreateResult {
  /** TPM2B_PRIVATE contents: the parent-encrypted sensitive area (opaque to us). */
  outPrivate: Uint8Array;
  outPublicBytes: Uint8Array;
  outPublic: TpmtPublic;
}

export function parseCreate(resp: TpmResponse): CreateResult {
  const r = paramReader(resp, 'Create');
  const outPrivate = getTpm2b(r, 'outPrivate');
  const outPublicBytes = getTpm2b(r, 'outPublic');
  skipCreation(r);
  expectEnd(r, 'Create');
  return { outPrivate, outPublicBytes, outPublic: parsePublic(outPublicBytes) };
}

/** TPM2_Load (Part 3 §12.2). */
export function load(parentHandle: number, inPrivate: Uint8Array, inPublicBytes: Uint8Array): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, inPrivate);
  putTpm2b(w, inPublicBytes);
  return encodeCommand(TPM_CC.Load, [parentHandle], [EMPTY_PASSWORD], w.finish(), 1);
}

export function parseLoad(resp: TpmResponse): { objectHandle: number; name: Uint8Array } {
  const r = paramReader(resp, 'Load');
  const name = getTpm2b(r, 'name');
  expectEnd(r, 'Load');
  return { objectHandle: resp.handles[0] as number, name };
}

/** TPM2_ReadPublic (Part 3 §12.4). */
export function readPublic(objectHandle: number): TpmCommand {
  return encodeCommand(TPM_CC.ReadPublic, [objectHandle], [], new Uint8Array(0));
}

export function parseReadPublic(resp: TpmResponse): {
  outPublic: TpmtPublic;
  outPublicBytes: Uint8Array;
  name: Uint8Array;
  qualifiedName: Uint8Array;
} {
  const r = paramReader(resp, 'ReadPublic');
  const outPublicBytes = getTpm2b(r, 'outPublic');
  const name = getTpm2b(r, 'name');
  const qualifiedName = getTpm2b(r, 'qualifiedName');
  expectEnd(r, 'ReadPublic');
  return { outPublic: parsePublic(outPublicBytes), outPublicBytes, name, qualifiedName };
}

/** TPM2_Unseal (Part 3 §12.7), authorized by `auth` (a policy session for our sealed objects). */
export function unseal(itemHandle: number, auth: AuthCommand): TpmCommand {
  return encodeCommand(TPM_CC.Unseal, [itemHandle], [auth], new Uint8Array(0));
}

export function parseUnseal(resp: TpmResponse): Uint8Array {
  const r = paramReader(resp, 'Unseal');
  const outData = getTpm2b(r, 'outData');
  expectEnd(r, 'Unseal');
  return outData;
}
