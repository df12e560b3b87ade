// Server-sent events read with fetch(): the browser's EventSource cannot send the staff token in
// an Authorization header, and a token in the URL would end up in logs (ADR 0027).
import { authHeaders } from "./api";

export interface SseHandlers {
  onEvent: (event: string, data: string) => void;
  onState?: (state: "connecting" | "open" | "closed") => void;
  onUnauthorized?: () => void;
}

/** Opens the stream and keeps it open (reconnecting with backoff) until the returned function is called. */
export function openStream(url: string, h: SseHandlers): () => void {
  let stopped = false;
  let controller: AbortController | null = null;
  let retryMs = 3000;
  let attempt = 0;
  let silence: number | undefined;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      const ctl = controller;
      h.onState?.("connecting");
      try {
        const response = await fetch(url, { headers: { ...authHeaders(), Accept: "text/event-stream" }, signal: ctl.signal, cache: "no-store" });
        if (response.status === 401) {
          h.onUnauthorized?.();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        attempt = 0;
        h.onState?.("open");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        let event = "message";
        let data: string[] = [];
        // Three keep-alive intervals (15 s) without a byte: the connection is dead.
        const arm = () => {
          window.clearTimeout(silence);
          silence = window.setTimeout(() => ctl.abort(), 45_000);
        };
        arm();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          arm();
          buffer += value;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, "");
            buffer = buffer.slice(nl + 1);
            if (line === "") {
              if (data.length > 0) h.onEvent(event, data.join("\n"));
              event = "message";
              data = [];
            } else if (line.startsWith(":")) {
              continue;
            } else {
              const colon = line.indexOf(":");
              const field = colon < 0 ? line : line.slice(0, colon);
              const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
              if (field === "event") event = val;
              else if (field === "data") data.push(val);
              else if (field === "retry" && /^\d+$/.test(val)) retryMs = Number(val);
            }
          }
        }
      } catch {
        // aborted, network error: reconnect below unless stopped
      } finally {
        window.clearTimeout(silence);
      }
      if (stopped) break;
      h.onState?.("closed");
      attempt++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, retryMs * Math.min(attempt, 5))));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
