package dev.shotover.testsupport;

/**
 * Stands in for the Shotover jar in {@link ProxyProcessLifecycleTest}: behaves like the proxy's CLI closely enough to
 * exercise process handling (ready line, log levels, SIGTERM, exit codes, stdout versus stderr).
 */
public final class FakeShotoverMain {

    private FakeShotoverMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String all = String.join(" ", args);
        if (all.contains("--help")) {
            System.out.println("Usage: shotover [OPTIONS]");
            System.exit(0);
        }
        if (all.contains("--check")) {
            System.out.println("checking");
            System.err.println("2026-11-21T10:00:00.000Z ERROR dev.shotover.runtime.Config: invalid topology");
            System.exit(2);
        }
        if (all.contains("--hang")) {
            Thread.sleep(60_000);
        }
        if (all.contains("--die-early")) {
            System.err.println("2026-11-21T10:00:00.000Z ERROR dev.shotover.runtime.Main: cannot bind");
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.println("2026-11-21T10:00:01.000Z  INFO dev.shotover.runtime.Main: Shotover was shut down")));
        System.out.println("2026-11-21T10:00:00.000Z  INFO dev.shotover.runtime.Main: args " + all);
        System.out.println("2026-11-21T10:00:00.001Z  INFO dev.shotover.runtime.Main: "
                + "Shotover is now accepting inbound connections");
        System.out.println("2026-11-21T10:00:00.002Z  WARN dev.shotover.runtime.Pool: backend slow");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
