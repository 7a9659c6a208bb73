// Validates Kubernetes manifests with kubernetes-models (each model class checks its object
// against the Kubernetes OpenAPI schema: `new Deployment(obj).validate()`).
//
// kubernetes-models is ESM-only (its package exports have only an `import` condition), which
// Jest's CommonJS runtime cannot load, so chart.spec.ts runs this file with plain Node:
//   stdin:  a JSON array of manifests
//   stdout: a JSON array, one entry per manifest, in order:
//           { apiVersion, kind, name, status: "valid" | "invalid" | "no-model", error? }

const GROUP_MODULES = {
  v1: 'kubernetes-models/v1',
};

async function modelFor(apiVersion, kind) {
  const path = GROUP_MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  try {
    const mod = await import(path);
    return typeof mod[kind] === 'function' ? mod[kind] : undefined;
  } catch (error) {
    if (error && (error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || error.code === 'ERR_MODULE_NOT_FOUND')) return undefined;
    throw error;
  }
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const manifests = JSON.parse(input);
  const results = [];
  for (const manifest of manifests) {
    const { apiVersion, kind } = manifest;
    const name = manifest.metadata?.name;
    const Model = await modelFor(apiVersion, kind);
    if (!Model) {
      results.push({ apiVersion, kind, name, status: 'no-model' });
      continue;
    }
    try {
      new Model(manifest).validate();
      results.push({ apiVersion, kind, name, status: 'valid' });
    } catch (error) {
      results.push({ apiVersion, kind, name, status: 'invalid', error: String(error?.message ?? error) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`k8s-validate: ${error?.stack ?? error}\n`);
  process.exit(1);
});
