package dev.switchboard.config;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code POST /actuator/reload}: reads the configuration files again now and, when the {@code switchboard} section
 * is valid, puts it in force. Answers 200 with what is now configured, or 422 with every problem when the new
 * configuration was rejected (the previous one keeps serving).
 * <p>
 * Like every actuator write operation it needs a gateway key with {@code admin: true} (see
 * {@link dev.switchboard.auth.ActuatorKeyFilter}). Spring Boot runs it on a bounded-elastic thread, never on an
 * event loop: it reads files.
 */
@Endpoint(id = "reload")
public class ReloadEndpoint {

	private final ConfigReloader reloader;

	public ReloadEndpoint(ConfigReloader reloader) {
		this.reloader = reloader;
	}

	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> reload() {
		ReloadResult result = this.reloader.reload(ConfigReloader.TRIGGER_ENDPOINT);
		return new WebEndpointResponse<>(result.toMap(), result.success() ? 200 : 422);
	}

}
