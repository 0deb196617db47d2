package dev.switchboard.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Files of the local store: written whole, replaced atomically, in the order asked, off the event loop. */
class LocalDirectoryTests {

	@TempDir
	Path dir;

	@Test
	void writesReplaceTheFileInTheOrderAskedAndLeaveNoTemporaryFiles() throws Exception {
		try (LocalDirectory files = new LocalDirectory(this.dir.resolve("nested"))) {
			StepVerifier.create(files.read("spend.json")).verifyComplete();
			List<Mono<Void>> writes = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				writes.add(files.write("spend.json", ("version " + i).getBytes(StandardCharsets.UTF_8)));
			}
			// asked from a non-blocking thread, as a request would: the writes themselves run on the files' thread
			StepVerifier.create(Flux.concat(writes).subscribeOn(Schedulers.parallel())).verifyComplete();
			StepVerifier.create(files.read("spend.json").map(b -> new String(b, StandardCharsets.UTF_8)))
				.expectNext("version 49")
				.verifyComplete();
			assertThat(files.readAtStartup("spend.json")).isPresent();
			try (var listing = Files.list(this.dir.resolve("nested"))) {
				assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("spend.json");
			}
		}
	}

	@Test
	void namesArePlainFileNames() {
		try (LocalDirectory files = new LocalDirectory(this.dir)) {
			assertThatIllegalArgumentException().isThrownBy(() -> files.write("../escape", new byte[0]));
		}
	}

}
