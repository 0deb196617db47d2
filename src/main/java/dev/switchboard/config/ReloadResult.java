package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one configuration reload did.
 *
 * @param success whether the new configuration is now in force
 * @param problems why it was rejected (empty on success); never holds a key
 * @param keys gateway keys now in force
 * @param providers providers now in force
 * @param routes route aliases now in force
 */
public record ReloadResult(boolean success, List<String> problems, int keys, int providers, int routes) {

	/** The result as the reload endpoint answers it. */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("outcome", this.success ? "success" : "failure");
		if (this.success) {
			map.put("keys", this.keys);
			map.put("providers", this.providers);
			map.put("routes", this.routes);
		}
		else {
			map.put("problems", this.problems);
		}
		return map;
	}

}
