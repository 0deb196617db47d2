package dev.switchboard.streaming;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import dev.switchboard.support.Json;

/**
 * How a stream of one API family ends well, and how the gateway tells a client that it did not.
 * <p>
 * A stream that stops without its terminal event was cut (the provider crashed, a proxy timed out). Passing on only
 * the end of the body would look like a clean completion, so the gateway appends an error event in the client's own
 * format instead, and never the terminal event.
 */
public enum StreamEnd {

	/** Chat Completions: {@code data: [DONE]}; an error is a {@code data:} event holding an OpenAI error object. */
	OPENAI_CHAT {

		@Override
		boolean isTerminal(ByteBuf event) {
			return dataIs(event, "[DONE]");
		}

		@Override
		public byte[] interruption(String message) {
			StringBuilder out = new StringBuilder("data: {\"error\":{\"message\":");
			Json.appendString(out, message);
			out.append(",\"type\":\"upstream_error\",\"code\":\"stream_interrupted\",\"param\":null}}\n\n");
			return out.toString().getBytes(StandardCharsets.UTF_8);
		}

	},

	/** Responses API: {@code response.completed}, {@code .failed} or {@code .incomplete}; errors are {@code error} events. */
	OPENAI_RESPONSES {

		@Override
		boolean isTerminal(ByteBuf event) {
			return eventIs(event, "response.completed") || eventIs(event, "response.failed")
					|| eventIs(event, "response.incomplete");
		}

		@Override
		public byte[] interruption(String message) {
			StringBuilder out = new StringBuilder("event: error\ndata: {\"type\":\"error\",\"code\":\"stream_interrupted\",\"message\":");
			Json.appendString(out, message);
			out.append(",\"param\":null}\n\n");
			return out.toString().getBytes(StandardCharsets.UTF_8);
		}

	},

	/**
	 * Anthropic's Messages API: {@code message_stop}; an error is an {@code error} event of type {@code api_error}, and
	 * the stream then has no {@code message_stop}.
	 */
	ANTHROPIC_MESSAGES {

		@Override
		boolean isTerminal(ByteBuf event) {
			return eventIs(event, "message_stop");
		}

		@Override
		public byte[] interruption(String message) {
			StringBuilder out = new StringBuilder("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":");
			Json.appendString(out, message);
			out.append("}}\n\n");
			return out.toString().getBytes(StandardCharsets.UTF_8);
		}

	},

	/**
	 * Gemini's {@code streamGenerateContent?alt=sse}: no terminal event of its own, the last chunk is the one with a
	 * {@code finishReason}; an error is a {@code data:} event holding a Google error object.
	 */
	GEMINI {

		private static final byte[] FINISH_REASON = "\"finishReason\"".getBytes(StandardCharsets.US_ASCII);

		@Override
		boolean isTerminal(ByteBuf event) {
			return contains(event, FINISH_REASON);
		}

		@Override
		public byte[] interruption(String message) {
			StringBuilder out = new StringBuilder("data: {\"error\":{\"code\":502,\"message\":");
			Json.appendString(out, message);
			out.append(",\"status\":\"UNAVAILABLE\"}}\n\n");
			return out.toString().getBytes(StandardCharsets.UTF_8);
		}

	};

	private static boolean contains(ByteBuf event, byte[] needle) {
		int end = event.writerIndex() - needle.length;
		outer: for (int i = event.readerIndex(); i <= end; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (event.getByte(i + j) != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/** Whether {@code event} (one whole event, without its blank line) is the stream's last, regular event. */
	abstract boolean isTerminal(ByteBuf event);

	/** The error event appended to a stream that ended without its terminal event. */
	public abstract byte[] interruption(String message);

	/** Whether the event's first {@code data:} line is exactly {@code value}. */
	static boolean dataIs(ByteBuf event, String value) {
		return fieldIs(event, "data:", value);
	}

	/** Whether the event has an {@code event:} line naming {@code value}. */
	static boolean eventIs(ByteBuf event, String value) {
		return fieldIs(event, "event:", value);
	}

	private static boolean fieldIs(ByteBuf event, String field, String value) {
		int index = event.readerIndex();
		int end = event.writerIndex();
		while (index < end) {
			int lineEnd = ByteBufUtil.indexOf(event, index, end, (byte) '\n');
			if (lineEnd < 0) {
				lineEnd = end;
			}
			int valueEnd = lineEnd;
			if (valueEnd > index && event.getByte(valueEnd - 1) == '\r') {
				valueEnd--;
			}
			if (startsWith(event, index, valueEnd, field)) {
				int valueStart = index + field.length();
				if (valueStart < valueEnd && event.getByte(valueStart) == ' ') {
					valueStart++;
				}
				return valueEnd - valueStart == value.length() && startsWith(event, valueStart, valueEnd, value);
			}
			index = lineEnd + 1;
		}
		return false;
	}

	private static boolean startsWith(ByteBuf buf, int from, int to, String prefix) {
		if (to - from < prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (buf.getByte(from + i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
