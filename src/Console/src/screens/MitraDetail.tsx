import { useState } from "react";
import type { FormEvent } from "react";
import { api, DeactivateMitraBody, EditMitraBody, ForceMitraOfflineBody, SetMitraCapacityBody } from "../api";
import type { MitraDetails } from "../api";
import { fmtDateTime, fmtDay, fmtDuration, fmtNumber, instantToZoned, zonedToInstant } from "../format";
import { t } from "../i18n";
import { Link } from "../router";
import { Field, ProblemBanner, useAction, useLoad, Yes } from "../ui";

export function MitraDetail({ id }: { id: string }) {
  const mitra = useLoad(() => api.getMitra(id), [id]);
  const m = mitra.data;
  return (
    <section>
      <p>
        <Link to="/mitras">← {t("nav.mitras")}</Link>
      </p>
      <ProblemBanner problem={mitra.problem} />
      {m && (
        <>
          <h1>
            {m.fullName} <small>({m.alias})</small>
          </h1>
          <dl className="facts">
            <dt>{t("mitra.active")}</dt>
            <dd data-testid="mitra-active">
              <Yes value={m.isActive} />
            </dd>
            <dt>{t("mitra.online")}</dt>
            <dd>{m.online ? `${t("common.since")} ${fmtDateTime(m.onlineSince)}` : t("mitra.offline")}</dd>
            <dt>{t("mitra.sessions")}</dt>
            <dd>
              {m.activeSessions} / {m.capacity} {m.maxCustomersOverride != null && `(${t("mitra.override")})`}
            </dd>
            <dt>{t("mitra.signedIn")}</dt>
            <dd>
              <Yes value={m.hasSignedIn} />
            </dd>
            <dt>{t("mitra.rating")}</dt>
            <dd>{m.ratings?.count ? `${fmtNumber(m.ratings.averageStars, 2)} ★ (${m.ratings.count})` : "—"}</dd>
            <dt>{t("common.created")}</dt>
            <dd>{fmtDateTime(m.createdAt)}</dd>
          </dl>
          <p>
            <Link to={`/sessions?mitraId=${m.id}`}>{t("nav.sessions")} →</Link>
          </p>
          <div className="columns">
            <EditMitra mitra={m} onSaved={mitra.setData} />
            <div>
              <Activation mitra={m} onSaved={mitra.setData} />
              <Capacity mitra={m} onSaved={mitra.setData} />
              <ForceOffline mitra={m} onDone={mitra.reload} />
            </div>
          </div>
          <OnlineLogs id={m.id} />
        </>
      )}
    </section>
  );
}

type Saved = { mitra: MitraDetails; onSaved: (m: MitraDetails) => void };

function EditMitra({ mitra, onSaved }: Saved) {
  const [f, setF] = useState({ fullName: mitra.fullName, phoneNumber: mitra.phoneNumber, alias: mitra.alias, bio: mitra.bio ?? "", specialties: mitra.specialties.join(", ") });
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const m = await action.run(() =>
      api.editMitra(mitra.id, new EditMitraBody({ ...f, bio: f.bio || undefined, specialties: f.specialties.split(",").map((s) => s.trim()).filter(Boolean) })),
    );
    if (m) {
      onSaved(m);
      setSaved(true);
    }
  };
  const bind = (k: keyof typeof f) => ({ name: k, value: f[k], onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }), problem: action.problem });
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="edit-mitra">
      <h2 id="edit-mitra">{t("common.edit")}</h2>
      <Field label={t("mitra.fullName")} {...bind("fullName")} />
      <Field label={t("mitra.phone")} {...bind("phoneNumber")} />
      <Field label={t("mitra.alias")} {...bind("alias")} />
      <Field label={t("mitra.bio")} {...bind("bio")} />
      <Field label={t("mitra.specialties")} {...bind("specialties")} hint={t("common.commaSeparated")} />
      <ProblemBanner problem={action.problem} />
      {saved && <p role="status">{t("common.saved")}</p>}
      <button type="submit" className="primary" disabled={action.busy}>
        {t("common.save")}
      </button>
    </form>
  );
}

function Activation({ mitra, onSaved }: Saved) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = await action.run(() => (mitra.isActive ? api.deactivateMitra(mitra.id, new DeactivateMitraBody({ reason: reason || undefined })) : api.activateMitra(mitra.id)));
    if (m) {
      onSaved(m);
      setReason("");
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="activation">
      <h2 id="activation">{mitra.isActive ? t("mitra.deactivate") : t("mitra.activate")}</h2>
      {mitra.isActive && <Field label={t("common.reasonOptional")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={action.problem} />}
      {mitra.isActive && <p className="hint">{t("mitra.deactivateHint")}</p>}
      <ProblemBanner problem={action.problem} />
      <button type="submit" className={mitra.isActive ? "danger" : "primary"} disabled={action.busy}>
        {mitra.isActive ? t("mitra.deactivate") : t("mitra.activate")}
      </button>
    </form>
  );
}

function Capacity({ mitra, onSaved }: Saved) {
  const [value, setValue] = useState(mitra.maxCustomersOverride?.toString() ?? "");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = await action.run(() => api.setMitraCapacity(mitra.id, new SetMitraCapacityBody({ maxCustomers: value === "" ? undefined : Number(value) })));
    if (m) onSaved(m);
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="capacity">
      <h2 id="capacity">{t("mitra.capacity")}</h2>
      <Field label={t("mitra.capacityOverride")} name="maxCustomers" type="number" min={1} max={20} value={value} onChange={(e) => setValue(e.target.value)} problem={action.problem} hint={t("mitra.capacityHint")} />
      <ProblemBanner problem={action.problem} />
      <button type="submit" disabled={action.busy}>
        {t("common.save")}
      </button>
    </form>
  );
}

function ForceOffline({ mitra, onDone }: { mitra: MitraDetails; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const [result, setResult] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(() => api.forceMitraOffline(mitra.id, new ForceMitraOfflineBody({ reason })));
    if (r) {
      setResult(r.wasOnline ? t("mitra.forcedOffline") : t("mitra.wasOffline"));
      setReason("");
      onDone();
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="force-offline">
      <h2 id="force-offline">{t("mitra.forceOffline")}</h2>
      <Field label={t("common.reason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={action.problem} />
      <ProblemBanner problem={action.problem} />
      {result && <p role="status">{result}</p>}
      <button type="submit" className="danger" disabled={action.busy}>
        {t("mitra.forceOffline")}
      </button>
    </form>
  );
}

function OnlineLogs({ id }: { id: string }) {
  // Empty "to" means now (the API's default), so a period that started a moment ago shows.
  const [to, setTo] = useState("");
  const [from, setFrom] = useState(() => instantToZoned(new Date(Date.now() - 7 * 86400_000)).slice(0, 16));
  const [range, setRange] = useState({ from, to });
  const logs = useLoad(() => api.getMitraOnlineLogs(id, zonedToInstant(range.from), range.to ? zonedToInstant(range.to) : undefined), [id, range.from, range.to]);
  return (
    <section className="panel" aria-labelledby="online-logs">
      <h2 id="online-logs">{t("mitra.onlineLogs")}</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setRange({ from, to });
        }}
      >
        <label>
          {t("common.from")}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t("common.to")}
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit">{t("common.show")}</button>
      </form>
      <ProblemBanner problem={logs.problem} />
      {logs.data && (
        <div className="columns">
          <table aria-label={t("mitra.dailyTotals")}>
            <caption>
              {t("mitra.dailyTotals")} ({logs.data.timeZone})
            </caption>
            <thead>
              <tr>
                <th>{t("common.date")}</th>
                <th>{t("mitra.onlineTime")}</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.dailyTotals.map((d) => (
                <tr key={fmtDay(d.date)}>
                  <td>{fmtDay(d.date)}</td>
                  <td>{fmtDuration(d.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label={t("mitra.periods")}>
            <caption>{t("mitra.periods")}</caption>
            <thead>
              <tr>
                <th>{t("mitra.onlineAt")}</th>
                <th>{t("mitra.offlineAt")}</th>
                <th>{t("common.reason")}</th>
                <th>{t("mitra.onlineTime")}</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.periods.map((p) => (
                <tr key={String(p.onlineAt)}>
                  <td>{fmtDateTime(p.onlineAt)}</td>
                  <td>{p.offlineAt ? fmtDateTime(p.offlineAt) : t("mitra.stillOnline")}</td>
                  <td>{p.reason ?? "—"}</td>
                  <td>{fmtDuration(p.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
