// Import rules of ../shared/DESIGN.md ("Layers and folders"), checked in CI by `npm run depcheck`.
// Each rule names a layer and the only folders of ours it may import. Changes need an ADR in docs/adr/.
const ours = '^(src|attestation|drivers|firmware-sim|fpga|policies|tests|bench)/';

/** A rule forbidding `from` to import any folder of ours outside `allowed`. */
function layer(name, from, allowed) {
  return {
    name,
    severity: 'error',
    comment: `${from} may import only: ${allowed.join(', ') || 'nothing of ours'}`,
    from: { path: `^${from}/` },
    to: { path: ours, pathNot: [`^${from}/`, ...allowed.map((a) => `^${a}/`)] },
  };
}

module.exports = {
  forbidden: [
    layer('core-is-a-leaf', 'src/core', []),
    layer('crypto-layer', 'src/crypto', ['src/core']),
    layer('attestation-layer', 'attestation', ['src/core', 'src/crypto']),
    layer('device-interfaces', 'src/device', ['src/core']),
    layer('drivers-layer', 'drivers', ['src/core', 'src/crypto', 'src/device', 'attestation', 'fpga']),
    // ADR 0001: simulators reuse attestation/ serializers so each wire format is written once.
    layer('simulators-layer', 'firmware-sim', [
      'src/core',
      'src/crypto',
      'src/device',
      'attestation',
      'fpga',
      'src/judge',
    ]),
    layer('fpga-layer', 'fpga', []),
    layer('atv-layer', 'src/atv', ['src/core', 'src/crypto', 'src/device']),
    // ADR 0001: the firewall hashes arguments (args_sha3) with src/crypto.
    layer('firewall-layer', 'src/firewall', ['src/core', 'src/crypto', 'src/atv', 'policies']),
    layer('judge-layer', 'src/judge', [
      'src/core',
      'src/crypto',
      'src/atv',
      'src/device',
      'fpga',
      'policies',
    ]),
    layer('audit-layer', 'src/audit', ['src/core', 'src/crypto']),
    layer('appliance-layer', 'src/appliance', [
      'src/core',
      'src/crypto',
      'attestation',
      'src/device',
      'drivers',
      'firmware-sim',
      'fpga',
      'policies',
      'src/atv',
      'src/firewall',
      'src/judge',
      'src/audit',
    ]),
    {
      name: 'no-test-imports-in-product',
      severity: 'error',
      from: { path: '^(src|attestation|drivers|firmware-sim|fpga)/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
