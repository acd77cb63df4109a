import assert from "node:assert/strict";
import type { AlertState, DeliveryResult } from "./types.ts";
import { withAlertState } from "./with_alert_state.ts";
import { planAlerts } from "./plan_alerts.ts";
import { recordDeliveries } from "./record_deliveries.ts";
import { testAlert } from "../../tests/support/alert_receiver.ts";
import { readUntil } from "../../tests/support/cli.ts";

const NOW = Date.UTC(2024, 2, 1, 12);
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function tempState(t: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "alert_state_" });
  try {
    await t(`${dir}/nested/state.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
/** Whether another open of the lock file can take the kernel lock at once (the file itself stays). */
async function lockIsFree(lock: string): Promise<boolean> {
  const file = await Deno.open(lock, { read: true, write: true });
  try {
    return await file.tryLock(true);
  } finally {
    file.close();
  }
}
const readState = async (path: string): Promise<AlertState> => JSON.parse(await Deno.readTextFile(path));

/** One run: plan the alerts, "deliver" them (after `sendMs`), record them. Returns the subjects sent. */
function run(
  path: string,
  subjects: string[],
  sent: string[],
  options: { sendMs?: number; now?: number } = {},
) {
  const { sendMs = 30, now = NOW } = options;
  return withAlertState(path, async (state) => {
    const plan = planAlerts(state, subjects.map((subject) => testAlert({ subject })), { now });
    await delay(sendMs);
    const results: DeliveryResult[] = plan.send.map((a) => {
      sent.push(a.subject);
      return { sink: "slack", alertId: a.id, subject: a.subject, ok: true, attempts: 1 };
    });
    return {
      state: recordDeliveries(plan.state, plan.send, { results, now }),
      result: plan.send.map((a) => a.subject),
    };
  }, { now, pollMs: 5 });
}

Deno.test("withAlertState() starts empty when the file is missing and writes the new state", async () => {
  await tempState(async (path) => {
    const sent: string[] = [];
    assert.deepEqual(await run(path, ["a"], sent, { sendMs: 0 }), ["a"]);
    const state = await readState(path);
    assert.equal(state.version, 1);
    assert.deepEqual(state.episodes.map((e) => [e.subject, e.sent]), [["a", { slack: "high" }]]);
    assert.ok(await lockIsFree(`${path}.lock`), "the lock is released");
    const files = [...Deno.readDirSync(path.replace(/\/state\.json$/, ""))].map((f) => f.name);
    assert.deepEqual(files.toSorted(), ["state.json", "state.json.lock"], "no temporary file left behind");
  });
});

Deno.test("withAlertState() serialises concurrent runs: no lost records, no double send", async () => {
  await tempState(async (path) => {
    const sent: string[] = [];
    const results = await Promise.all(
      ["one", "two", "three", "four"].map((own) => run(path, ["shared", own], sent)),
    );
    assert.equal(sent.filter((s) => s === "shared").length, 1, `shared sent once: ${sent}`);
    assert.deepEqual(sent.toSorted(), ["four", "one", "shared", "three", "two"]);
    assert.equal(results.flat().length, 5);
    const state = await readState(path);
    assert.deepEqual(state.episodes.map((e) => e.subject), ["four", "one", "shared", "three", "two"]);
    assert.ok(await lockIsFree(`${path}.lock`));
  });
});

Deno.test("withAlertState() waits for a lock held by another process, naming its pid on timeout", async () => {
  await tempState(async (path) => {
    const module = new URL("./with_alert_state.ts", import.meta.url).href;
    const code = `
      import { withAlertState } from ${JSON.stringify(module)};
      await withAlertState(${JSON.stringify(path)}, async (state) => {
        console.log("locked");
        for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
        const ep = { subject: "child", kind: "anomaly", start: 0, end: 1, severity: "high", sent: { slack: "high" },
          firstSentAt: 1, lastSentAt: 1, lastSeenAt: ${NOW} };
        return { state: { version: 1, episodes: [...state.episodes, ep] }, result: null };
      }, { now: ${NOW} });
      console.log("done");
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const out = await readUntil(lines, /locked/);
    assert.match(out, /locked/);
    await assert.rejects(
      withAlertState(path, (state) => ({ state, result: null }), {
        now: NOW,
        lockTimeoutMs: 200,
        pollMs: 20,
      }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^Cannot lock the alert state: ${path}\\.lock is held by pid ${child.pid} since 2024-03-01T12:00:00\\.000Z .*current value is lockTimeoutMs 200$`,
          ),
        );
        return true;
      },
    );
    // a patient run gets the lock once the other process is done, and sees its record
    const waiting = withAlertState(path, (state) => {
      const ep = { ...state.episodes[0], subject: "parent" };
      return { state: { version: 1, episodes: [...state.episodes, ep] }, result: state.episodes.length };
    }, { now: NOW, lockTimeoutMs: 30_000, pollMs: 20 });
    await delay(50);
    await child.stdin.close();
    while (!(await lines.read()).done) { /* drain */ }
    assert.equal((await child.status).code, 0);
    assert.equal(await waiting, 1);
    assert.deepEqual((await readState(path)).episodes.map((e) => e.subject), ["child", "parent"]);
  });
});

Deno.test("withAlertState() is not blocked by a lock file a dead process left: the kernel lock died with it", async () => {
  await tempState(async (path) => {
    await Deno.mkdir(path.replace(/\/state\.json$/, ""), { recursive: true });
    // above the largest pid_max of Linux (2^22) and macOS: no such process
    await Deno.writeTextFile(`${path}.lock`, JSON.stringify({ pid: 99_999_999, createdAt: NOW }));
    const sent: string[] = [];
    await withAlertState(path, (state) => ({ state, result: sent.push("ran") }), {
      now: NOW,
      lockTimeoutMs: 0,
    });
    assert.deepEqual(sent, ["ran"]);
  });
});

Deno.test("withAlertState() takes the lock at once after its holder is killed", async () => {
  await tempState(async (path) => {
    const module = new URL("./with_alert_state.ts", import.meta.url).href;
    const code = `
      import { withAlertState } from ${JSON.stringify(module)};
      await withAlertState(${JSON.stringify(path)}, async (state) => {
        console.log("locked");
        await new Promise(() => setInterval(() => {}, 1000)); // hold it until killed
        return { state, result: null };
      }, { now: ${NOW} });
    `;
    const child = new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "piped" }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assert.match(await readUntil(lines, /locked/), /locked/);
    await assert.rejects(
      withAlertState(path, (state) => ({ state, result: 0 }), { now: NOW, lockTimeoutMs: 0 }),
      { message: new RegExp(`is held by pid ${child.pid} `) },
    );
    child.kill("SIGKILL");
    await child.status;
    while (!(await lines.read()).done) { /* drain */ }
    assert.equal(
      await withAlertState(path, (state) => ({ state, result: "ran" }), { now: NOW, lockTimeoutMs: 0 }),
      "ran",
    );
  });
});

Deno.test("withAlertState() times out on a lock held elsewhere, waiting in pollMs steps", async () => {
  await tempState(async (path) => {
    await Deno.mkdir(path.replace(/\/state\.json$/, ""), { recursive: true });
    const lock = `${path}.lock`;
    const held = JSON.stringify({ pid: Deno.pid, createdAt: NOW });
    await Deno.writeTextFile(lock, held);
    const other = await Deno.open(lock, { read: true, write: true });
    await other.lock(true); // another open of the file holds the kernel lock
    const waits: number[] = [];
    try {
      await assert.rejects(
        withAlertState(path, (state) => ({ state, result: 0 }), {
          now: NOW,
          lockTimeoutMs: 250,
          pollMs: 100,
          sleep: (ms) => (waits.push(ms), Promise.resolve()),
        }),
        {
          message:
            `Cannot lock the alert state: ${lock} is held by pid ${Deno.pid} since 2024-03-01T12:00:00.000Z (another run is sending alerts; waited 250 ms), current value is lockTimeoutMs 250`,
        },
      );
    } finally {
      other.close();
    }
    assert.deepEqual(waits, [100, 100, 50]);
    assert.equal(await Deno.readTextFile(lock), held, "someone else's lock is left alone");
    assert.equal(await exists(path), false);
  });
});

Deno.test("withAlertState() names the file when it is not JSON, and leaves it as it is", async () => {
  await tempState(async (path) => {
    await Deno.mkdir(path.replace(/\/state\.json$/, ""), { recursive: true });
    await Deno.writeTextFile(path, '{"version": 1, "episodes": [');
    let ran = false;
    await assert.rejects(
      withAlertState(path, (state) => (ran = true, { state, result: 0 }), { now: NOW }),
      (error: Error) => {
        assert.ok(error instanceof SyntaxError);
        assert.match(
          error.message,
          new RegExp(
            `^Cannot read alert state ${path}: not valid JSON \\(.+\\); fix or remove the file, current value is "\\{\\\\"version\\\\": 1, \\\\"episodes\\\\": \\["$`,
          ),
        );
        return true;
      },
    );
    assert.equal(ran, false);
    assert.equal(await Deno.readTextFile(path), '{"version": 1, "episodes": [', "never silently reset");
    assert.ok(await lockIsFree(`${path}.lock`));
  });
});

Deno.test("withAlertState() refuses an unknown version or a wrong shape", async () => {
  await tempState(async (path) => {
    await Deno.mkdir(path.replace(/\/state\.json$/, ""), { recursive: true });
    await Deno.writeTextFile(path, JSON.stringify({ version: 2, episodes: [] }));
    await assert.rejects(withAlertState(path, (state) => ({ state, result: 0 }), { now: NOW }), {
      name: "TypeError",
      message:
        `Cannot read alert state ${path}: unknown version (this build reads version 1), current value is 2`,
    });
    await Deno.writeTextFile(path, JSON.stringify({ version: 1, episodes: [{ subject: 5 }] }));
    await assert.rejects(withAlertState(path, (state) => ({ state, result: 0 }), { now: NOW }), {
      name: "TypeError",
      message: `Cannot read alert state ${path}: episodes[0].subject must be a string, current value is 5`,
    });
  });
});

Deno.test("withAlertState() releases the lock and writes nothing when the function throws", async () => {
  await tempState(async (path) => {
    await assert.rejects(
      withAlertState(path, () => {
        throw new Error("boom");
      }, { now: NOW }),
      { message: "boom" },
    );
    assert.equal(await exists(path), false);
    assert.ok(await lockIsFree(`${path}.lock`));
    await assert.rejects(
      withAlertState(path, () => ({ state: { version: 3 } as unknown as AlertState, result: 0 }), {
        now: NOW,
      }),
      { name: "TypeError", message: /^Cannot read the new alert state for .*: unknown version/ },
    );
    assert.equal(await exists(path), false);
  });
});
