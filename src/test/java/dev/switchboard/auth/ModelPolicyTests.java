package dev.switchboard.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelPolicyTests {

	@Test
	void anyAllowsEveryModel() {
		assertThat(ModelPolicy.any().allows("fast")).isTrue();
		assertThat(ModelPolicy.any().allows("primary/ft:gpt-4o:org/x")).isTrue();
	}

	@Test
	void anEmptyListAllowsNothing() {
		ModelPolicy none = ModelPolicy.of(List.of());

		assertThat(none.allows("fast")).isFalse();
		assertThat(none.allows("")).isFalse();
	}

	@Test
	void exactNamesMatchOnlyThemselves() {
		ModelPolicy policy = ModelPolicy.of(List.of("fast", "gpt-4.1"));

		assertThat(policy.allows("fast")).isTrue();
		assertThat(policy.allows("gpt-4.1")).isTrue();
		assertThat(policy.allows("fast2")).as("no prefix match").isFalse();
		assertThat(policy.allows("Fast")).as("case matters").isFalse();
		assertThat(policy.allows("gpt-4x1")).as("'.' is a plain character, not a regex wildcard").isFalse();
	}

	@Test
	void aTrailingStarCoversEveryModelOfAProviderIncludingSlashes() {
		ModelPolicy policy = ModelPolicy.of(List.of("primary/*"));

		assertThat(policy.allows("primary/gpt-4o-mini")).isTrue();
		assertThat(policy.allows("primary/ft:gpt-4o:org/x")).as("'*' runs across '/'").isTrue();
		assertThat(policy.allows("primary/")).isTrue();
		assertThat(policy.allows("primary")).as("the '/' is part of the glob").isFalse();
		assertThat(policy.allows("secondary/gpt-4o-mini")).isFalse();
		assertThat(policy.allows("xprimary/gpt-4o-mini")).as("globs are anchored").isFalse();
	}

	@Test
	void starsMatchAnywhereInTheName() {
		ModelPolicy policy = ModelPolicy.of(List.of("gpt-*-mini", "*"));
		ModelPolicy inner = ModelPolicy.of(List.of("gpt-*-mini"));

		assertThat(inner.allows("gpt-4o-mini")).isTrue();
		assertThat(inner.allows("gpt--mini")).isTrue();
		assertThat(inner.allows("gpt-4o-mini-2024")).isFalse();
		assertThat(policy.allows("anything/at all")).as("a lone '*' allows every model").isTrue();
	}

	@Test
	void regexCharactersInAGlobAreLiteral() {
		ModelPolicy policy = ModelPolicy.of(List.of("a+b(c)[d]?\\E.*"));

		assertThat(policy.allows("a+b(c)[d]?\\E.")).isTrue();
		assertThat(policy.allows("a+b(c)[d]?\\E.anything")).isTrue();
		assertThat(policy.allows("aab(c)[d]?\\E.")).isFalse();
	}

}
