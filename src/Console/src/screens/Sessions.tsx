import { api } from "../api";
import { fmtDateTime, instantToZoned, zonedToInstant } from "../format";
import { t } from "../i18n";
import { Link, setQuery, useLocation } from "../router";
import { Pager, ProblemBanner, Short, useLoad } from "../ui";

export function Sessions() {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const mitraId = query.get("mitraId") ?? "";
  const clientId = query.get("clientId") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(
    () => api.listSessions(status || undefined, mitraId || undefined, clientId || undefined, from ? new Date(from) : undefined, to ? new Date(to) : undefined, page, 20),
    [status, mitraId, clientId, from, to, page],
  );
  const timeInput = (name: "from" | "to", value: string) => (
    <label>
      {t(name === "from" ? "common.from" : "common.to")}
      <input
        type="datetime-local"
        name={name}
        value={value ? instantToZoned(new Date(value)).slice(0, 16) : ""}
        onChange={(e) => setQuery({ [name]: zonedToInstant(e.target.value)?.toISOString(), page: undefined })}
      />
    </label>
  );
  return (
    <section>
      <h1>{t("nav.sessions")}</h1>
      <div className="toolbar">
        <label>
          {t("common.status")}
          <select value={status} onChange={(e) => setQuery({ status: e.target.value, page: undefined })}>
            <option value="">{t("common.all")}</option>
            <option value="active">{t("session.active")}</option>
            <option value="ended">{t("session.ended")}</option>
          </select>
        </label>
        <label>
          {t("session.mitraId")}
          <input name="mitraId" defaultValue={mitraId} onChange={(e) => setQuery({ mitraId: e.target.value.trim(), page: undefined })} />
        </label>
        <label>
          {t("session.clientId")}
          <input name="clientId" defaultValue={clientId} onChange={(e) => setQuery({ clientId: e.target.value.trim(), page: undefined })} />
        </label>
        {timeInput("from", from)}
        {timeInput("to", to)}
      </div>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("session.startedAt")}</th>
            <th>{t("common.status")}</th>
            <th>{t("session.mitra")}</th>
            <th>{t("session.client")}</th>
            <th>{t("session.reroutes")}</th>
            <th>{t("session.end")}</th>
            <th>
              <span className="sr-only">{t("common.open")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((s) => (
            <tr key={s.id}>
              <td>{fmtDateTime(s.startedAt)}</td>
              <td>{s.status === "active" ? t("session.active") : t("session.ended")}</td>
              <td>
                <Link to={`/mitras/${s.mitraId}`}>
                  <Short id={s.mitraId} />
                </Link>
              </td>
              <td>
                <Link to={`/clients/${s.clientId}`}>
                  <Short id={s.clientId} />
                </Link>
              </td>
              <td>{s.reroutes}</td>
              <td>{s.endedAt ? `${fmtDateTime(s.endedAt)} (${s.endReasonCode ?? s.endedBy ?? ""})` : fmtDateTime(s.endsAt)}</td>
              <td>
                <Link to={`/sessions/${s.id}`} data-testid="open-session">
                  {t("session.audit")}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={20} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}
