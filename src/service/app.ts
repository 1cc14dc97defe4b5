import { rm } from 'node:fs/promises';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ApprovalScope } from '../appliance/decide.js';
import { toAegisError } from '../core/errors.js';
import { encodeWire, failAnswer } from '../hook/answer.js';
import type { FailPolicy } from '../hook/fail-policy.js';
import { AGENT_PID_HEADER, MAX_HOOK_INPUT_BYTES } from '../hook/protocol.js';
import type { ApprovalStore } from './approvals.js';
import type { AuditSink } from './audit-sink.js';
import type { HookStats } from './hook-handler.js';
import type { HookAnswer } from '../hook/answer.js';
import type { JsonValue } from '../core/canonical-json.js';
import type { AgentEvent } from '../core/decision.js';
import { parsePid } from '../core/pid.js';
import { agentEventFromWire, DECIDE_ROUTE, decideAnswerToWire, type DecideAnswer } from './decide-wire.js';

export interface AppDeps {
  hook: { handle(raw: Uint8Array, agentPid?: number): Promise<HookAnswer>; stats: HookStats };
  /** `aegis evaluate` while the daemon runs: decide on the daemon's engine and record with via "evaluate". */
  decide: (event: AgentEvent) => Promise<DecideAnswer>;
  approvals: ApprovalStore;
  audit: AuditSink;
  failPolicy: FailPolicy;
  engine: string;
  status: () => Record<string, unknown>;
  /** True only for the shim's own stdin copies ($AEGIS_HOME/state/hook.<pid>.in): nothing else is ever removed. */
  isShimInputFile: (path: string) => boolean;
  /** Called after the shutdown route has answered. */
  onShutdown: () => void;
}

const TRACE = { type: 'string', pattern: '^[0-9a-f]{12}$' } as const;
const errorsSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;
const answeredSchema = {
  type: 'object',
  required: ['ok', 'trace', 'answer', 'tool_name'],
  properties: {
    ok: { type: 'boolean' },
    trace: { type: 'string' },
    answer: { type: 'string' },
    scope: { type: 'string' },
    tool_name: { type: 'string' },
  },
} as const;

const count = { type: 'integer' } as const;
const statusSchema = {
  type: 'object',
  required: ['ok', 'pid', 'socket', 'engine', 'audit', 'fail_policy'],
  properties: {
    ok: { type: 'boolean' },
    pid: count,
    socket: { type: 'string' },
    started_at: { type: 'string' },
    uptime_s: count,
    engine: { type: 'string' },
    audit: { type: 'string' },
    fail_policy: { type: 'string', enum: ['deny', 'ask'] },
    fail_policy_source: { type: 'string' },
    tcp: { type: ['string', 'null'] },
    hook: {
      type: 'object',
      properties: { events: count, allow: count, block: count, ask: count, failed: count },
    },
    approvals: { type: 'object', properties: { pending: count, approvals: count, denials: count } },
  },
} as const;

/**
 * The daemon's one fastify app (DESIGN.md: "one process, one writer, one set of routes with JSON schemas").
 * The hook route takes the raw bytes Claude Code wrote (any content type, so broken JSON still reaches our
 * parser and gets a fail-policy answer instead of fastify's 400) and always answers 200 with the three-line
 * wire form; the other routes are JSON with schemas.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  // Fastify's default Ajv options strip properties a schema does not allow and coerce types: a request with an
  // unknown field or a wrong type would be silently changed. Refuse them instead (USAGE, nothing dropped).
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.url.startsWith('/v1/hook')) {
      const answer = failAnswer(
        deps.failPolicy.mode,
        undefined,
        `the hook request failed (${error.code ?? 'error'})`,
      );
      return reply.code(200).type('text/plain; charset=utf-8').send(encodeWire(answer));
    }
    const err = toAegisError(error);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400
        ? error.statusCode
        : err.code === 'INTERNAL_ERROR'
          ? 500
          : 400;
    const code = error.validation !== undefined ? 'USAGE' : err.code;
    return reply.code(status).send({ ok: false, errors: [{ code, message: err.message }] });
  });

  void app.register(async (scope) => {
    // Raw bytes whatever the declared type: the hook answers every input itself (fail policy), see above.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: 4 * MAX_HOOK_INPUT_BYTES },
      (_req, body, done) => {
        done(null, body);
      },
    );
    scope.post('/v1/hook', async (request, reply) => {
      const body = request.body;
      const raw = body instanceof Uint8Array ? body : new Uint8Array(0);
      // The shim's parent (the agent): whose counters fill the hardware band. Anything but a plain pid is ignored.
      const pid = request.headers[AGENT_PID_HEADER];
      const agentPid = parsePid(typeof pid === 'string' ? pid : undefined);
      const answer = await deps.hook.handle(raw, agentPid);
      // The shim's copy of stdin: removed here once answered, which saves the shim an `rm` process per call.
      const spent = request.headers['x-aegis-input-file'];
      if (typeof spent === 'string' && deps.isShimInputFile(spent)) {
        reply.raw.once('finish', () => {
          rm(spent, { force: true }).catch(() => undefined);
        });
      }
      return reply.type('text/plain; charset=utf-8').send(encodeWire(answer));
    });
  });

  app.get(
    '/v1/health',
    { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
    async () => ({
      ok: true,
    }),
  );

  app.get('/v1/status', { schema: { response: { 200: statusSchema } } }, async () => deps.status());

  app.post<{ Body: { event: JsonValue } }>(
    DECIDE_ROUTE,
    {
      schema: {
        body: {
          type: 'object',
          required: ['event'],
          additionalProperties: false,
          properties: { event: { type: 'object' } },
        },
        response: { '4xx': errorsSchema, '5xx': errorsSchema },
      },
    },
    async (request) => decideAnswerToWire(await deps.decide(agentEventFromWire(request.body.event))),
  );

  app.post<{ Body: { trace: string; scope: ApprovalScope } }>(
    '/v1/approvals',
    {
      schema: {
        body: {
          type: 'object',
          required: ['trace', 'scope'],
          additionalProperties: false,
          properties: { trace: TRACE, scope: { type: 'string', enum: ['once', 'session', 'always'] } },
        },
        response: { 200: answeredSchema, '4xx': errorsSchema },
      },
    },
    async (request) => {
      const { trace, scope } = request.body;
      const what = deps.approvals.approve(trace, scope);
      await deps.audit.append({
        kind: 'approval',
        session: what.sessionId,
        tool: what.toolName,
        decision: 'APPROVED',
        reason: `user approved trace ${trace} (${scope})`,
        args_sha3: what.fingerprint,
        data: { trace, scope },
      });
      return { ok: true, trace, answer: 'approved', scope, tool_name: what.toolName };
    },
  );

  app.post<{ Body: { trace: string } }>(
    '/v1/denials',
    {
      schema: {
        body: {
          type: 'object',
          required: ['trace'],
          additionalProperties: false,
          properties: { trace: TRACE },
        },
        response: { 200: answeredSchema, '4xx': errorsSchema },
      },
    },
    async (request) => {
      const { trace } = request.body;
      const what = deps.approvals.deny(trace);
      await deps.audit.append({
        kind: 'approval',
        session: what.sessionId,
        tool: what.toolName,
        decision: 'DENIED',
        reason: `user denied trace ${trace} (session)`,
        args_sha3: what.fingerprint,
        data: { trace, scope: 'session' },
      });
      return { ok: true, trace, answer: 'denied', scope: 'session', tool_name: what.toolName };
    },
  );

  app.post('/v1/shutdown', async (_request, reply) => {
    reply.raw.once('finish', () => deps.onShutdown());
    return { ok: true };
  });

  return app;
}
