import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { api, EndSessionByStaffBody, RerouteSessionBody } from "../api";
import type { GetSessionHistoryEntry, Session } from "../api";
import { fmtDateTime, instantToZoned, zonedToInstant } from "../format";
import { t } from "../i18n";
import { Link } from "../router";
import { Field, ProblemBanner, Short, useAction, useLoad } from "../ui";

export function SessionAudit({ id }: { id: string }) {
  const session = useLoad(() => api.getSession(id), [id]);
  const history = useAction();
  const [entries, setEntries] = useState<GetSessionHistoryEntry[]>();
  const [moment, setMoment] = useState<Date>();
  const s = session.data;

  // Each read of the history is audited (session.history-opened): only on the user's request.
  const openHistory = async () => {
    const h = await history.run(() => api.getSessionHistory(id));
    if (h) setEntries(h);
  };

  return (
    <section>
      <p>
        <Link to="/sessions">← {t("nav.sessions")}</Link>
      </p>
      <h1>
        {t("session.audit")} <Short id={id} />
      </h1>
      <ProblemBanner problem={session.problem} />
      {s && (
        <>
          <SessionFacts s={s} testId="session-now" />
          {s.status === "active" && (
            <div className="columns">
              <Reroute s={s} onDone={(n) => { session.setData(n); if (entries) void openHistory(); }} />
              <End s={s} onDone={(n) => { session.setData(n); if (entries) void openHistory(); }} />
            </div>
          )}
        </>
      )}
      <StateAt id={id} moment={moment} onMoment={setMoment} />
      <section className="panel" aria-labelledby="timeline">
        <h2 id="timeline">{t("session.timeline")}</h2>
        <p className="hint">{t("session.historyAudited")}</p>
        <button type="button" onClick={openHistory} disabled={history.busy}>
          {entries ? t("session.reloadHistory") : t("session.openHistory")}
        </button>
        <ProblemBanner problem={history.problem} />
        {entries && (
          <ol className="timeline" data-testid="timeline">
            {entries.map((e) => (
              <li key={e.sequence} className={moment && e.at.getTime() > moment.getTime() ? "after" : undefined} data-type={e.type}>
                <div className="when">
                  <span>#{e.sequence}</span> {fmtDateTime(e.at)}
                  <button type="button" className="link" onClick={() => setMoment(new Date(e.at.getTime() + 1))} aria-label={`${t("session.stateHere")} #${e.sequence}`}>
                    {t("session.stateHere")}
                  </button>
                </div>
                <Entry e={e} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}

function SessionFacts({ s, testId }: { s: Session; testId: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      <dt>{t("common.status")}</dt>
      <dd data-testid={`${testId}-status`}>{s.status === "active" ? t("session.active") : t("session.ended")}</dd>
      <dt>{t("session.mitra")}</dt>
      <dd data-testid={`${testId}-mitra`} data-id={s.mitraId}>
        <Link to={`/mitras/${s.mitraId}`}>{s.mitraId}</Link>
      </dd>
      <dt>{t("session.client")}</dt>
      <dd>
        <Link to={`/clients/${s.clientId}`}>{s.clientId}</Link>
      </dd>
      <dt>{t("session.startedAt")}</dt>
      <dd>{fmtDateTime(s.startedAt)}</dd>
      <dt>{t("session.endsAt")}</dt>
      <dd>{fmtDateTime(s.endsAt)}</dd>
      {s.endedAt && (
        <>
          <dt>{t("session.endedAt")}</dt>
          <dd>
            {fmtDateTime(s.endedAt)} · {s.endedBy} · {s.endReason}
            {s.endMessage && <> · “{s.endMessage}”</>}
          </dd>
        </>
      )}
      <dt>{t("session.reroutes")}</dt>
      <dd data-testid={`${testId}-reroutes`}>{s.reroutes}</dd>
      <dt>{t("session.messages")}</dt>
      <dd data-testid={`${testId}-lastSeq`}>{s.lastSeq}</dd>
      <dt>{t("session.paidWith")}</dt>
      <dd>{s.paidWith ?? "—"}</dd>
      {s.ratingStars != null && (
        <>
          <dt>{t("mitra.rating")}</dt>
          <dd>
            {s.ratingStars} ★ {s.ratingComment}
          </dd>
        </>
      )}
    </dl>
  );
}

function Entry({ e }: { e: GetSessionHistoryEntry }) {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const actor = `${e.actor.kind}${e.actor.id ? " " + e.actor.id.slice(-8) : ""}`;
  switch (e.type) {
    case "message_sent":
      return (
        <div className={`message from-${String(d.sender)}`}>
          <strong>{t(`sender.${String(d.sender)}` as "sender.client")}</strong>
          {d.kind ? <em> ({String(d.kind)})</em> : null} <span className="hint">seq {String(d.seq)}</span>
          <p className="text">{d.erased ? <em>{t("session.erasedText")}</em> : String(d.text ?? "")}</p>
        </div>
      );
    case "session_rerouted":
      return (
        <div>
          <strong>{t("session.rerouted")}</strong> {String(d.fromMitraId).slice(-8)} → {String(d.toMitraId).slice(-8)} {d.forced ? `(${t("session.force")})` : ""} ·{" "}
          {t("common.reason")}: {String(d.reason ?? "")} · {actor}
        </div>
      );
    case "conversation_erased":
      return (
        <div>
          <strong>{t("session.erased")}</strong> · {String(d.reason ?? "")} · seq ≤ {String(d.upToSeq ?? "")}
        </div>
      );
    case "session_ended":
      return (
        <div>
          <strong>{t("session.ended")}</strong> {String(d.endedBy ?? "")} · {String(d.reason ?? "")}
        </div>
      );
    case "messages_read":
      return (
        <div className="hint">
          {t("session.readMark")} · {actor} · {String(d.upToSeq ?? d.seq ?? "")}
        </div>
      );
    default:
      return (
        <div>
          <strong>{e.type}</strong> · {actor}
        </div>
      );
  }
}

function StateAt({ id, moment, onMoment }: { id: string; moment?: Date; onMoment: (d: Date) => void }) {
  const [value, setValue] = useState("");
  const action = useAction();
  const [state, setState] = useState<Session>();
  const { run } = action;

  useEffect(() => {
    if (!moment) return;
    setValue(instantToZoned(moment));
    let current = true;
    void run(() => api.getSessionStateAt(id, moment)).then((s) => current && setState(s));
    return () => {
      current = false;
    };
  }, [id, moment, run]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const at = zonedToInstant(value);
    if (at) onMoment(at);
  };
  return (
    <section className="panel" aria-labelledby="state-at">
      <h2 id="state-at">{t("session.stateAt")}</h2>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t("session.moment")}
          <input type="datetime-local" step={1} name="at" value={value} onChange={(e) => setValue(e.target.value)} required />
        </label>
        <button type="submit">{t("common.show")}</button>
      </form>
      <ProblemBanner problem={action.problem} />
      {state && !action.problem && <SessionFacts s={state} testId="session-at" />}
    </section>
  );
}

function Reroute({ s, onDone }: { s: Session; onDone: (s: Session) => void }) {
  const mitras = useLoad(() => api.listMitras(undefined, true, true, 1, 100), [s.mitraId]);
  const [toMitraId, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [force, setForce] = useState(false);
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = await action.run(() => api.rerouteSession(s.id, new RerouteSessionBody({ toMitraId, reason, force })));
    if (n) {
      onDone(n);
      setReason("");
      setTo("");
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="reroute">
      <h2 id="reroute">{t("session.reroute")}</h2>
      <Field label={t("session.toMitra")} name="toMitraId" problem={action.problem}>
        <select name="toMitraId" value={toMitraId} onChange={(e) => setTo(e.target.value)} required aria-label={t("session.toMitra")}>
          <option value="">—</option>
          {mitras.data?.items
            .filter((m) => m.id !== s.mitraId)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.fullName} ({m.alias}) · {m.activeSessions}/{m.capacity}
              </option>
            ))}
        </select>
      </Field>
      <Field label={t("common.reason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={action.problem} />
      <label className="check">
        <input type="checkbox" name="force" checked={force} onChange={(e) => setForce(e.target.checked)} /> {t("session.forceHint")}
      </label>
      <ProblemBanner problem={action.problem} />
      <button type="submit" className="primary" disabled={action.busy}>
        {t("session.reroute")}
      </button>
    </form>
  );
}

function End({ s, onDone }: { s: Session; onDone: (s: Session) => void }) {
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = await action.run(() => api.endSessionByStaff(s.id, new EndSessionByStaffBody({ reason, message: message || undefined })));
    if (n) onDone(n);
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="end-session">
      <h2 id="end-session">{t("session.endTitle")}</h2>
      <Field label={t("session.endReason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={action.problem} />
      <Field label={t("session.endMessage")} name="message" value={message} onChange={(e) => setMessage(e.target.value)} problem={action.problem} hint={t("session.endMessageHint")} />
      <ProblemBanner problem={action.problem} />
      <button type="submit" className="danger" disabled={action.busy}>
        {t("session.endTitle")}
      </button>
    </form>
  );
}
