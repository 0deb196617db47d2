package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotEmpty;

import org.springframework.cloud.gateway.handler.predicate.AbstractRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.GatewayPredicate;
import org.springframework.util.Assert;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.Globs;

/**
 * {@code - Model=gpt-4o*, claude-*}: matches an AI request whose body names a model that one of the globs covers
 * ({@code *} is any run of characters, {@code /} included; the same globs as key allow-lists). Usable in any SCG
 * route, beside {@code Header}, {@code Weight}, {@code Path} and the rest.
 * <p>
 * The body was read once before route lookup ({@code AiRequestBodyFilter}); this predicate only reads the model
 * attribute it left, so it is synchronous and never parses anything. A request whose body was not read (another
 * path, another method) or had no usable model matches no {@code Model} predicate.
 */
public class ModelRoutePredicateFactory extends AbstractRoutePredicateFactory<ModelRoutePredicateFactory.Config> {

	public ModelRoutePredicateFactory() {
		super(Config.class);
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("models");
	}

	@Override
	public ShortcutType shortcutType() {
		return ShortcutType.GATHER_LIST;
	}

	@Override
	public Predicate<ServerWebExchange> apply(Config config) {
		config.validate();
		Pattern[] patterns = config.getModels().stream().map(String::trim).map(Globs::compile).toArray(Pattern[]::new);
		List<String> models = List.copyOf(config.getModels());
		return new GatewayPredicate() {

			@Override
			public boolean test(ServerWebExchange exchange) {
				String model = exchange.getAttribute(GatewayAttributes.MODEL);
				if (model == null) {
					return false;
				}
				for (Pattern pattern : patterns) {
					if (pattern.matcher(model).matches()) {
						return true;
					}
				}
				return false;
			}

			@Override
			public Object getConfig() {
				return config;
			}

			@Override
			public String toString() {
				return "Model: " + models;
			}

		};
	}

	/** The globs of one {@code Model} predicate. */
	@Validated
	public static class Config {

		/** Model-name globs; a request matches when its model matches any of them. */
		@NotEmpty
		private List<String> models = new ArrayList<>();

		public List<String> getModels() {
			return this.models;
		}

		public Config setModels(List<String> models) {
			this.models = models;
			return this;
		}

		void validate() {
			Assert.notEmpty(this.models, "Model needs at least one model glob");
			for (String model : this.models) {
				Assert.hasText(model, "Model globs must not be blank");
			}
		}

	}

}
