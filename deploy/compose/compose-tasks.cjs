'use strict';
/* global process, require, module, URL, setTimeout, clearTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node in the image */
// One-shot jobs of the compose stack. docker-compose.yml mounts this file into the Mosaic image
// and runs it from the image's working directory (/app, which holds dist/):
//
//   node compose-tasks.cjs provision     checks the secrets the stack reads from .env, then
//                                        creates or updates the JetStream streams as the NATS
//                                        admin identity (services may only read stream info)
//   node compose-tasks.cjs sample-data   loads sample/workspace/sql (mounted read-only) into
//                                        the mosaic_sample database as its owner (idempotent)
//
// deploy/compose/compose.spec.ts runs `provision` from the repository root against a real
// nats-server started with deploy/compose/nats.conf.
const path = require('node:path');

const root = process.cwd();
const dist = (...parts) => path.join(root, 'dist', ...parts);
const say = (line) => process.stdout.write(`[${process.argv[2]}] ${line}\n`);
const DEADLINE_SECONDS = Number(process.env.MOSAIC_TASK_DEADLINE_SECONDS) || 60;

/**
 * nats-server reads each password from its environment and parses it like a config token, so a
 * password must be letters and digits starting with a letter (a number, `true` or a space would
 * break the config or mean something else); 16 characters at least.
 */
const NATS_PASSWORD = /^[A-Za-z][A-Za-z0-9]{15,}$/;
const NATS_PASSWORD_VARS = ['GATEWAY', 'AUTH', 'PLANNER', 'SYNTHESIZER', 'WORKER', 'ADMIN'].map((id) => `NATS_${id}_PASSWORD`);

/** Names of the secrets that are missing or malformed (never their values). */
function secretProblems(env) {
  const problems = [];
  for (const name of NATS_PASSWORD_VARS) {
    const value = env[name] ?? '';
    if (!value) problems.push(`${name} is empty`);
    else if (!NATS_PASSWORD.test(value)) problems.push(`${name} must be 16+ letters and digits, starting with a letter`);
  }
  // Grafana would otherwise start with its built-in admin/admin.
  if ((env.GRAFANA_ADMIN_PASSWORD ?? '').length < 12) problems.push('GRAFANA_ADMIN_PASSWORD must have 12+ characters');
  return problems;
}

/** Runs fn, retrying failures every second, and gives up after `seconds` in all. */
async function withDeadline(what, seconds, fn) {
  const deadline = Date.now() + seconds * 1000;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no success within ${seconds} s`)), seconds * 1000);
  });
  const attempt = async () => {
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if (Date.now() + 1000 >= deadline) throw error;
        say(`${what} failed (${error.message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  try {
    return await Promise.race([attempt(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function provision() {
  const problems = secretProblems(process.env);
  if (problems.length) {
    throw new Error(`the stack's secrets are not set up:\n  ${problems.join('\n  ')}\n` + 'write them with `bash deploy/compose/init-env.sh` (or fill in .env as .env.example describes), then run `docker compose --profile app up -d` again');
  }
  const { provisionStreams } = require(dist('libs', 'runtime', 'src', 'stack', 'nats-identities.js'));
  const url = process.env.NATS_URL;
  if (!url) throw new Error('NATS_URL is required');
  const admin = { user: process.env.NATS_ADMIN_USER || 'admin', password: process.env.NATS_ADMIN_PASSWORD };
  await withDeadline('creating the JetStream streams', DEADLINE_SECONDS, () => provisionStreams(url, admin));
  say(`JetStream streams are in place on ${url}`);
}

async function sampleData() {
  const { loadSampleDatabase } = require(dist('libs', 'runtime', 'src', 'stack', 'sample-workspace.js'));
  const url = process.env.SAMPLE_DATABASE_URL;
  if (!url) throw new Error('SAMPLE_DATABASE_URL is required (the owner of mosaic_sample)');
  const files = await withDeadline('loading the sample database', DEADLINE_SECONDS, () => loadSampleDatabase(url, root));
  say(`loaded ${files.join(', ')} into ${new URL(url).pathname.slice(1)}`);
}

module.exports = { secretProblems, NATS_PASSWORD };

if (require.main === module) {
  const tasks = { provision, 'sample-data': sampleData };
  const task = tasks[process.argv[2]];
  if (!task) {
    process.stderr.write(`usage: node compose-tasks.cjs ${Object.keys(tasks).join('|')}\n`);
    process.exit(2);
  }
  task().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`[${process.argv[2]}] failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
