package dev.port25.agent.report;

import dev.port25.agent.settings.Settings;

import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

/**
 * For {@link SpoolCrashIT}: adds reports of 20-60 KiB to the spool in {@code args[0]} as fast as
 * it can, printing each id once {@link Spool#add} has returned, until it is killed.
 */
public final class SpoolWriter {

    private SpoolWriter() {
    }

    public static void main(String[] args) throws Exception {
        Spool spool = Spool.open(Path.of(args[0]), new Settings.Spool(100_000, 10_240));
        Random random = new Random();
        while (true) {
            String id = UUID.randomUUID().toString();
            spool.add(id, SpoolTest.body(id, 20_000 + random.nextInt(40_000)));
            System.out.println(id);
            System.out.flush();
        }
    }
}
