// The one way the console reaches /api/internal: the NSwag-generated client (clients/typescript),
// given a fetch that adds the staff token and the language, and that turns a 401 into a return
// to the login screen.
import { ApiException, InternalApiClient } from "../../../clients/typescript/internal-api";
import type { LogInResult, StaffView } from "../../../clients/typescript/internal-api";

export * from "../../../clients/typescript/internal-api";

export interface Problem {
  name: string;
  status: number;
  detail?: string;
  errors: Record<string, string[]>;
  retryAfter?: number;
}

const TOKEN_KEY = "halobestie.console.session";

export interface StaffSession {
  token: string;
  expiresAt: number;
  staff: { id: string; email: string; name: string; role: string };
}

type Listener = (s: StaffSession | null, expired: boolean) => void;
const listeners = new Set<Listener>();
let current: StaffSession | null = load();
let expiryTimer: number | undefined;
let language = "id";

function load(): StaffSession | null {
  try {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StaffSession;
    return s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function setLanguage(lang: string): void {
  language = lang;
}

export function session(): StaffSession | null {
  return current;
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function publish(expired: boolean): void {
  for (const l of listeners) l(current, expired);
}

function schedule(): void {
  window.clearTimeout(expiryTimer);
  if (current) {
    const ms = Math.max(0, current.expiresAt - Date.now());
    // setTimeout caps at 2^31-1 ms; tokens last 30 minutes.
    expiryTimer = window.setTimeout(() => signOut(true), Math.min(ms, 2 ** 31 - 1));
  }
}
schedule();

export function signIn(result: LogInResult): StaffSession {
  const staff: StaffView = result.staff;
  current = {
    token: result.accessToken,
    expiresAt: new Date(result.expiresAt).getTime(),
    staff: { id: staff.id, email: staff.email, name: staff.name, role: String(staff.role) },
  };
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(current));
  schedule();
  publish(false);
  return current;
}

export function signOut(expired = false): void {
  if (!current) return;
  current = null;
  sessionStorage.removeItem(TOKEN_KEY);
  window.clearTimeout(expiryTimer);
  publish(expired);
}

export function isAdmin(): boolean {
  return current?.staff.role === "admin";
}

/** The headers of every API call: the staff token (when signed in) and the language of problem answers. */
export function authHeaders(): Record<string, string> {
  const h: Record<string, string> = { "Accept-Language": language };
  if (current) h.Authorization = `Bearer ${current.token}`;
  return h;
}

const http = {
  async fetch(url: RequestInfo, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(authHeaders())) headers.set(k, v);
    const response = await window.fetch(url, { ...init, headers });
    if (response.status === 401 && current && !String(url).endsWith("/auth/login")) signOut(true);
    return response;
  },
};

/** The generated client, on this origin (an empty base address: NSwag's default "/" would make "//api/…"). */
export const api = new InternalApiClient("", http);

/**
 * What the generated client threw (an ApiException: status, headers, and the problem body as
 * `result`, RFC 9457), or a network failure, as the problem the console shows.
 */
export function problemOf(e: unknown): Problem {
  if (e !== null && typeof e === "object" && ApiException.isApiException(e)) {
    const body = (e.result ?? {}) as Record<string, unknown>;
    const type = typeof body.type === "string" ? body.type : "";
    const retryAfter = Number(e.headers["retry-after"]);
    return {
      name: type ? type.substring(type.lastIndexOf("/") + 1) : e.status === 401 ? "unauthorized" : "error",
      status: e.status,
      detail: typeof body.detail === "string" ? body.detail : undefined,
      errors: (body.errors && typeof body.errors === "object" ? body.errors : {}) as Record<string, string[]>,
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    };
  }
  return { name: "network", status: 0, errors: {} };
}
