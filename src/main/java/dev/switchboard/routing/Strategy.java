package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The order in which a route tries its targets for one request. Every strategy still falls back through all the
 * targets: it only chooses who goes first, and after whom.
 */
public enum Strategy {

	/** In the listed order. */
	FALLBACK("fallback") {

		@Override
		List<Target> order(List<Target> targets, AtomicInteger counter) {
			return targets;
		}

	},

	/** Each request starts one target further along the list, then continues in list order. */
	ROUND_ROBIN("round-robin") {

		@Override
		List<Target> order(List<Target> targets, AtomicInteger counter) {
			int start = Math.floorMod(counter.getAndIncrement(), targets.size());
			List<Target> ordered = new ArrayList<>(targets.size());
			for (int i = 0; i < targets.size(); i++) {
				ordered.add(targets.get((start + i) % targets.size()));
			}
			return ordered;
		}

	},

	/** Targets drawn at random in proportion to their weights, without replacement. */
	WEIGHTED("weighted") {

		@Override
		List<Target> order(List<Target> targets, AtomicInteger counter) {
			List<Target> left = new ArrayList<>(targets);
			List<Target> ordered = new ArrayList<>(targets.size());
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (!left.isEmpty()) {
				long total = 0;
				for (Target target : left) {
					total += target.weight();
				}
				long pick = random.nextLong(total);
				int i = 0;
				while (pick >= left.get(i).weight()) {
					pick -= left.get(i).weight();
					i++;
				}
				ordered.add(left.remove(i));
			}
			return ordered;
		}

	},

	/**
	 * Lowest recent time to first byte first. Each comparison adds up to 10% jitter, so that targets with similar
	 * latency share the traffic instead of all of it herding onto whichever measured a hair faster.
	 */
	LEAST_LATENCY("least-latency") {

		@Override
		List<Target> order(List<Target> targets, AtomicInteger counter) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			List<Scored> scored = new ArrayList<>(targets.size());
			for (Target target : targets) {
				scored.add(new Scored(target, target.stats().latencyNanos() * (1 + 0.1 * random.nextDouble())));
			}
			scored.sort(Comparator.comparingDouble(Scored::score));
			return scored.stream().map(Scored::target).toList();
		}

	},

	/** Fewest attempts in flight first; ties keep the listed order. */
	LEAST_BUSY("least-busy") {

		@Override
		List<Target> order(List<Target> targets, AtomicInteger counter) {
			List<Target> ordered = new ArrayList<>(targets);
			ordered.sort(Comparator.comparingInt(target -> target.stats().inFlight()));
			return ordered;
		}

	};

	private final String id;

	Strategy(String id) {
		this.id = id;
	}

	/** The name used in configuration. */
	public String id() {
		return this.id;
	}

	/** The targets in the order to try them for one request; {@code counter} is the route's own. */
	abstract List<Target> order(List<Target> targets, AtomicInteger counter);

	/** The strategy named {@code id} in configuration, or {@code null}. */
	public static @Nullable Strategy of(@Nullable String id) {
		String wanted = (id != null) ? id.trim().toLowerCase(Locale.ROOT) : "";
		for (Strategy strategy : values()) {
			if (strategy.id.equals(wanted)) {
				return strategy;
			}
		}
		return null;
	}

	private record Scored(Target target, double score) {
	}

}
