package dev.switchboard.guardrails;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.auth.GatewayKey;
import dev.switchboard.body.JsonRequest;
import dev.switchboard.body.JsonRequestParser;
import dev.switchboard.config.FilterOrder;
import dev.switchboard.config.RuntimeConfigHolder;
import dev.switchboard.dispatch.AnswerHooks;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.support.GatewayAttributes;
import dev.switchboard.support.GatewayHeaders;
import dev.switchboard.support.RouteKind;

/**
 * The guardrails slot: the request's texts go through its guardrails (global, its route's, its key's) before
 * anything goes upstream. A redacted or masked text is rewritten in place in the body, the rest of it byte for byte;
 * a blocking rule refuses the request with {@code 400 guardrail_blocked}; then the webhooks are asked. The answer
 * gets an {@link AnswerGuard} when a guardrail checks responses or masked values must go back into it.
 * <p>
 * The scan is in memory and linear; a body above {@link #OFFLOAD_BYTES} is scanned on a parallel worker rather
 * than on the event loop.
 */
public class GuardrailsFilter implements GlobalFilter, Ordered {

	/** Bodies larger than this are scanned off the event loop. */
	static final int OFFLOAD_BYTES = 256 * 1024;

	private final RuntimeConfigHolder configs;

	private final GuardrailAudit audit;

	private final WebhookClient webhooks;

	public GuardrailsFilter(RuntimeConfigHolder configs, GuardrailAudit audit, WebhookClient webhooks) {
		this.configs = configs;
		this.audit = audit;
		this.webhooks = webhooks;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (RouteKind.of(exchange) != RouteKind.AI) {
			return chain.filter(exchange);
		}
		Guardrails all = this.configs.pinned(exchange).guardrails();
		if (all.isEmpty()) {
			return chain.filter(exchange);
		}
		RoutePlan plan = exchange.getAttribute(GatewayAttributes.ROUTE_PLAN);
		GatewayKey key = exchange.getAttribute(GatewayAttributes.GATEWAY_KEY);
		JsonRequest body = exchange.getAttribute(GatewayAttributes.JSON_REQUEST);
		Endpoint endpoint = exchange.getAttribute(GatewayAttributes.ENDPOINT);
		if (plan == null || key == null || body == null || endpoint == null) {
			return chain.filter(exchange);
		}
		List<Guardrail> guardrails = all.forRequest(plan.route(), key.name());
		if (guardrails.isEmpty()) {
			return chain.filter(exchange);
		}
		String requestId = exchange.getAttribute(GatewayAttributes.REQUEST_ID);
		GuardContext context = new GuardContext((requestId != null) ? requestId : "", plan.route(), key.name(),
				body.model(), endpoint, this.audit);
		Scanner scanner = new Scanner(guardrails, Direction.REQUEST, null);
		List<Guardrail> hooks = webhooks(guardrails, Direction.REQUEST);
		if (scanner.isEmpty() && hooks.isEmpty()) {
			return attachAnswerGuard(exchange, context, guardrails).then(chain.filter(exchange));
		}
		Mono<TextChecks> local = Mono.fromCallable(() -> TextChecks.local(body.bytes(), JsonTexts.Mode.REQUEST, scanner,
				context));
		if (body.bytes().length > OFFLOAD_BYTES) {
			local = local.subscribeOn(Schedulers.parallel());
		}
		return local.flatMap(checks -> checks.webhooks(hooks, Direction.REQUEST, context, this.webhooks))
			.flatMap(checks -> {
				if (checks.changed()) {
					// parsed again, so that the model's position and the stream flag are those of the new bytes
					exchange.getAttributes().put(GatewayAttributes.JSON_REQUEST, JsonRequestParser.parse(checks.rewritten()));
				}
				String header = context.header();
				if (header != null) {
					exchange.getResponse().getHeaders().set(GatewayHeaders.GUARDRAILS, header);
				}
				return attachAnswerGuard(exchange, context, guardrails);
			})
			.then(Mono.defer(() -> chain.filter(exchange)));
	}

	private Mono<Void> attachAnswerGuard(ServerWebExchange exchange, GuardContext context, List<Guardrail> guardrails) {
		RestoreRule restore = context.masks.isEmpty() ? null : new RestoreRule(context.masks);
		Scanner answers = new Scanner(guardrails, Direction.RESPONSE, restore);
		List<Guardrail> hooks = webhooks(guardrails, Direction.RESPONSE);
		if (!answers.isEmpty() || !hooks.isEmpty()) {
			AnswerHooks.add(exchange, new AnswerGuard(context, answers, hooks, this.webhooks));
		}
		return Mono.empty();
	}

	private static List<Guardrail> webhooks(List<Guardrail> guardrails, Direction direction) {
		List<Guardrail> hooks = new ArrayList<>(1);
		for (Guardrail guardrail : guardrails) {
			if (guardrail.webhook() != null && guardrail.checks(direction)) {
				hooks.add(guardrail);
			}
		}
		return hooks;
	}

	/** After the route is resolved (the route's guardrails), before quota and cache (which see the redacted body). */
	@Override
	public int getOrder() {
		return FilterOrder.GUARDRAILS;
	}

}
