import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Call,
  type ChildSpec,
  type DownMessage,
  DynamicSupervisor,
  type ExitReason,
  GenServer,
  type GenServerModule,
  ok,
  type Pid,
  Process,
  type Protocol,
  Registry,
  reply,
  StartError,
  type SupervisorProtocol,
  self,
  stop,
} from "#runtime";
import { isDown, useFakeClock, useProbes, useQuietLogger } from "./support.ts";

const REG = "DynPriceWorkerRegistry";

interface WorkerProtocol extends Protocol {
  readonly call: Call<{ readonly type: "symbol" }, string>;
  readonly cast: { readonly type: "crash" } | { readonly type: "stop"; readonly reason: ExitReason };
  readonly info: never;
}

/** Every worker started in the current test, killed after it. */
const started: Pid[] = [];

/** One worker per symbol, reachable by its symbol through the registry. */
const PriceWorker: GenServerModule<WorkerProtocol, string, string> = {
  init(symbol) {
    if (symbol === "BAD") return stop("unknown_symbol");
    started.push(self());
    return ok(symbol);
  },
  handleCall: (_request, _from, symbol) => reply(symbol, symbol),
  handleCast(message, symbol) {
    if (message.type === "crash") throw new Error(`${symbol} crashed`);
    return stop(message.reason, symbol);
  },
};

const via = (symbol: string) => Registry.via<WorkerProtocol>(REG, symbol);

function spec(symbol: string, restart?: ChildSpec["restart"]): ChildSpec {
  return {
    id: symbol,
    start: () => GenServer.startLink(PriceWorker, symbol, { name: via(symbol) }),
    ...(restart === undefined ? {} : { restart }),
  };
}

useFakeClock();
useQuietLogger();
const startProbe = useProbes();
const owned: Pid[] = [];

beforeEach(async () => {
  owned.push(await Registry.start({ keys: "unique", name: REG }));
});

afterEach(() => {
  for (const pid of [...owned.splice(0), ...started.splice(0)]) if (Process.alive(pid)) Process.exit(pid, "kill");
});

async function startSupervisor(options: { maxRestarts?: number } = {}): Promise<Pid<SupervisorProtocol>> {
  const sup = await DynamicSupervisor.start(options);
  owned.push(sup);
  return sup;
}

/** Resolves with the exit reason of `pid`, seen through a probe's monitor. */
function down(pid: Pid): Promise<ExitReason> {
  const probe = startProbe();
  probe.run(() => Process.monitor(pid));
  return probe.receive(isDown).then((message) => (message as DownMessage).reason);
}

describe("DynamicSupervisor.startChild", () => {
  it("should start with no children", async () => {
    // Arrange
    const sup = await startSupervisor();

    // Act
    const children = await DynamicSupervisor.whichChildren(sup);

    // Assert
    expect(children).toEqual([]);
    expect(await DynamicSupervisor.countChildren(sup)).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 });
  });

  it("should start a child on demand and resolve with its pid", async () => {
    // Arrange
    const sup = await startSupervisor();

    // Act
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    const eth = await DynamicSupervisor.startChild(sup, spec("ETHUSD"));

    // Assert
    expect(GenServer.whereis(via("BTCUSD"))).toBe(btc);
    expect(await GenServer.call(via("ETHUSD"), { type: "symbol" })).toBe("ETHUSD");
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([
      { id: "BTCUSD", pid: btc, type: "worker" },
      { id: "ETHUSD", pid: eth, type: "worker" },
    ]);
    expect(await DynamicSupervisor.countChildren(sup)).toEqual({ specs: 2, active: 2, supervisors: 0, workers: 2 });
  });

  it("should link the child to the supervisor", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    const btcDown = down(btc);

    // Act
    Process.exit(sup, "kill");

    // Assert
    expect(await btcDown).toBe("killed");
  });

  it("should reject with the child's reason when it fails to start, and keep nothing", async () => {
    // Arrange
    const sup = await startSupervisor();

    // Act
    const error = await DynamicSupervisor.startChild(sup, spec("BAD")).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).reason).toBe("unknown_symbol");
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([]);
  });

  it("should reject with already_started for a second worker under the same via name", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));

    // Act
    const error = await DynamicSupervisor.startChild(sup, spec("BTCUSD")).catch((e: unknown) => e);

    // Assert
    expect((error as StartError).reason).toEqual({ already_started: btc });
    expect(await DynamicSupervisor.countChildren(sup)).toMatchObject({ specs: 1, active: 1 });
  });
});

describe("DynamicSupervisor.terminateChild", () => {
  it("should shut the child down with shutdown and forget it", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    const eth = await DynamicSupervisor.startChild(sup, spec("ETHUSD"));
    const btcDown = down(btc);

    // Act
    const result = await DynamicSupervisor.terminateChild(sup, btc);

    // Assert
    expect(result).toBe("ok");
    expect(await btcDown).toBe("shutdown");
    expect(GenServer.whereis(via("BTCUSD"))).toBeNull();
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([{ id: "ETHUSD", pid: eth, type: "worker" }]);
  });

  it("should answer not_found for a pid that is not its child", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    await DynamicSupervisor.terminateChild(sup, btc);

    // Act
    const again = await DynamicSupervisor.terminateChild(sup, btc);

    // Assert
    expect(again).toEqual({ error: "not_found" });
  });

  it("should let a terminated symbol be started again", async () => {
    // Arrange
    const sup = await startSupervisor();
    const first = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    await DynamicSupervisor.terminateChild(sup, first);

    // Act
    const second = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));

    // Assert
    expect(second).not.toBe(first);
    expect(GenServer.whereis(via("BTCUSD"))).toBe(second);
  });
});

describe("restarts", () => {
  it("should bring a crashed child back, reachable by its via name", async () => {
    // Arrange
    const sup = await startSupervisor();
    const before = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    const beforeDown = down(before);

    // Act
    GenServer.cast(via("BTCUSD"), { type: "crash" });
    await beforeDown;
    const [child] = await DynamicSupervisor.whichChildren(sup);

    // Assert
    expect(child?.pid).not.toBe(before);
    expect(GenServer.whereis(via("BTCUSD"))).toBe(child?.pid);
    expect(await GenServer.call(via("BTCUSD"), { type: "symbol" })).toBe("BTCUSD");
  });

  it("should restart only the crashed child", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD"));
    const eth = await DynamicSupervisor.startChild(sup, spec("ETHUSD"));

    // Act
    Process.exit(btc, "boom");
    const children = await DynamicSupervisor.whichChildren(sup);

    // Assert: in pid order, as Elixir's map of children lists them, so the restarted child (a new pid) comes last.
    expect(children.map((c) => c.id)).toEqual(["ETHUSD", "BTCUSD"]);
    expect(children[0]?.pid).toBe(eth);
    expect(children[1]?.pid).not.toBe(btc);
  });

  it("should not restart a temporary child, and forget it", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD", "temporary"));

    // Act
    Process.exit(btc, "boom");
    const children = await DynamicSupervisor.whichChildren(sup);

    // Assert
    expect(children).toEqual([]);
    expect(GenServer.whereis(via("BTCUSD"))).toBeNull();
  });

  it("should not restart a transient child that exits normally, and forget it", async () => {
    // Arrange
    const sup = await startSupervisor();
    const btc = await DynamicSupervisor.startChild(sup, spec("BTCUSD", "transient"));
    const btcDown = down(btc);

    // Act
    GenServer.cast(btc, { type: "stop", reason: "normal" });
    await btcDown;

    // Assert
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([]);
  });

  it("should exit with shutdown past its restart intensity", async () => {
    // Arrange
    const sup = await startSupervisor({ maxRestarts: 1 });
    const supDown = down(sup);
    Process.exit(await DynamicSupervisor.startChild(sup, spec("BTCUSD")), "boom");
    const [restarted] = await DynamicSupervisor.whichChildren(sup);

    // Act
    Process.exit(restarted?.pid as Pid, "boom");

    // Assert
    expect(await supDown).toBe("shutdown");
    expect(GenServer.whereis(via("BTCUSD"))).toBeNull();
  });
});
