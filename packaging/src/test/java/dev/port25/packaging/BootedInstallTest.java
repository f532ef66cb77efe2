package dev.port25.packaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;

/**
 * One booted container per test class, with the built package copied in and the container's
 * ruleset read before anything is installed; the steps run in order ({@code @Order}) on it.
 */
@Tag("install")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class BootedInstallTest {

    BootedDebian box;
    InstalledService service;
    String rulesetBeforeInstall;
    /** The package's path inside the container. */
    String pkg;

    /** The package file to install; aborts (or fails under CI) when it was not built. */
    abstract Path builtPackage();

    @BeforeAll
    void boot() throws Exception {
        BootedDebian.requirePrerequisites();
        Path built = builtPackage();
        box = BootedDebian.boot(built.getFileName().toString().endsWith(".rpm") ? "rpm" : "deb");
        service = new InstalledService(box);
        pkg = box.copyIn(built);
        rulesetBeforeInstall = box.ruleset();
    }

    @AfterAll
    void halt() throws Exception {
        if (box != null) {
            box.close();
        }
    }
}
