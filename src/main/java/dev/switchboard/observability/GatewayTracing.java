package dev.switchboard.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.provider.AdapterDecorator;
import dev.switchboard.provider.Endpoint;
import dev.switchboard.provider.ProviderAdapter;
import dev.switchboard.provider.ProviderType;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamResponse;
import dev.switchboard.provider.WireFormat;

/**
 * Spans through Micrometer Tracing (the OpenTelemetry bridge): one server span per request, continuing the client's
 * W3C {@code traceparent} when it sent one, and one client span per upstream attempt, whose context goes upstream as
 * {@code traceparent}. Attributes follow OpenTelemetry's GenAI semantic conventions.
 * <p>
 * Exists only while tracing is on; with it off nothing here runs, and no adapter is wrapped. An attempt span ends
 * when the upstream's response headers arrive (its time to first byte) or the attempt fails; the request span covers
 * the rest, to the last byte sent to the client.
 */
public class GatewayTracing implements AdapterDecorator {

	/** Reactor context key of the request's span, read by the attempts. */
	static final String REQUEST_SPAN = GatewayTracing.class.getName() + ".requestSpan";

	private static final Propagator.Getter<org.springframework.http.HttpHeaders> REQUEST_HEADERS = (headers,
			name) -> headers.getFirst(name);

	private static final Propagator.Setter<HttpHeaders> UPSTREAM_HEADERS = (headers, name, value) -> {
		if (headers != null) {
			headers.set(name, value);
		}
	};

	private final Tracer tracer;

	private final Propagator propagator;

	public GatewayTracing(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
		// OpenTelemetry finds its context storage through a ServiceLoader the first time a context is asked for:
		// reading jar files, which must happen here at start-up and not on the first request's event loop
		tracer.currentSpan();
	}

	/** Starts the span of one request, a child of the client's trace when it sent a {@code traceparent}. */
	Span startRequest(ServerWebExchange exchange) {
		String method = exchange.getRequest().getMethod().name();
		return this.propagator.extract(exchange.getRequest().getHeaders(), REQUEST_HEADERS)
			.kind(Span.Kind.SERVER)
			.name(method + " " + exchange.getRequest().getPath().value())
			.tag("http.request.method", method)
			.tag("url.path", exchange.getRequest().getPath().value())
			.start();
	}

	/** The trace id of {@code span}, for the access log. */
	static String traceId(Span span) {
		return span.context().traceId();
	}

	@Override
	public ProviderAdapter decorate(String providerId, ProviderType type, ProviderAdapter adapter) {
		return new TracedAdapter(providerId, GenAiConventions.providerName(type), adapter);
	}

	/** An adapter whose every exchange is an attempt span, its context sent upstream. */
	private final class TracedAdapter implements ProviderAdapter {

		private final String providerId;

		private final String providerName;

		private final ProviderAdapter delegate;

		TracedAdapter(String providerId, String providerName, ProviderAdapter delegate) {
			this.providerId = providerId;
			this.providerName = providerName;
			this.delegate = delegate;
		}

		@Override
		public @Nullable String unsupportedReason(Endpoint endpoint, WireFormat inbound) {
			return this.delegate.unsupportedReason(endpoint, inbound);
		}

		@Override
		public Mono<UpstreamResponse> exchange(UpstreamCall call) {
			return Mono.deferContextual(context -> {
				Span parent = context.getOrDefault(REQUEST_SPAN, null);
				String operation = (call.endpoint() == Endpoint.EMBEDDINGS) ? "embeddings" : "chat";
				Span.Builder builder = GatewayTracing.this.tracer.spanBuilder();
				if (parent != null) {
					builder.setParent(parent.context());
				}
				Span span = builder.kind(Span.Kind.CLIENT)
					.name(operation + " " + call.model())
					.tag(GenAiConventions.OPERATION_NAME, operation)
					.tag(GenAiConventions.PROVIDER_NAME, this.providerName)
					.tag(GenAiConventions.SYSTEM, this.providerName)
					.tag(GenAiConventions.REQUEST_MODEL, call.model())
					.tag("switchboard.provider", this.providerId)
					.start();
				HttpHeaders headers = new DefaultHttpHeaders().add(call.forwardedHeaders());
				TraceContext traced = span.context();
				GatewayTracing.this.propagator.inject(traced, headers, UPSTREAM_HEADERS);
				UpstreamCall withTrace = new UpstreamCall(call.endpoint(), call.model(), call.body(), headers,
						call.stream(), call.credential());
				return this.delegate.exchange(withTrace).doOnNext(response -> {
					span.tag("http.response.status_code", response.status());
					if (response.status() >= 400) {
						span.tag(GenAiConventions.ERROR_TYPE, Integer.toString(response.status()));
					}
					span.end();
				}).doOnError(failure -> {
					span.tag(GenAiConventions.ERROR_TYPE, failure.getClass().getSimpleName());
					span.error(failure);
					span.end();
				}).doOnCancel(() -> {
					span.tag(GenAiConventions.ERROR_TYPE, "cancelled");
					span.end();
				});
			});
		}

	}

}
