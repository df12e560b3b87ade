import { api } from "../api";
import { fmtDateTime, fmtNumber } from "../format";
import { t } from "../i18n";
import { Link, setQuery, useLocation } from "../router";
import { Pager, ProblemBanner, Short, useLoad } from "../ui";

/** Live: read again every 2 seconds (the API has no stream of requests for staff). */
export function PairingRequests() {
  const { query } = useLocation();
  const status = query.get("status") ?? "searching";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(() => api.listPairingRequests(status === "all" ? undefined : status, page, 50), [status, page], 2000);
  return (
    <section>
      <h1>{t("nav.pairing")}</h1>
      <div className="toolbar">
        <label>
          {t("common.status")}
          <select value={status} onChange={(e) => setQuery({ status: e.target.value, page: undefined })}>
            <option value="all">{t("common.all")}</option>
            {["searching", "matched", "cancelled", "expired"].map((s) => (
              <option key={s} value={s}>
                {t(`pairing.${s}` as "pairing.searching")}
              </option>
            ))}
          </select>
        </label>
        <span className="live">{t("common.refreshing")}</span>
      </div>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("pairing.requestedAt")}</th>
            <th>{t("pairing.topic")}</th>
            <th>{t("common.status")}</th>
            <th>{t("pairing.offered")}</th>
            <th>{t("pairing.expiresAt")}</th>
            <th>{t("pairing.client")}</th>
            <th>{t("pairing.session")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((r) => (
            <tr key={r.id}>
              <td>{fmtDateTime(r.requestedAt)}</td>
              <td>
                {r.topic ?? "—"}
                {r.note && <div className="hint">{r.note}</div>}
              </td>
              <td>
                {t(`pairing.${r.status}` as "pairing.searching")}
                {r.closedReason && <div className="hint">{r.closedReason}</div>}
                {r.waitSeconds != null && <div className="hint">{fmtNumber(r.waitSeconds, 1)} s</div>}
              </td>
              <td>
                {r.offeredTo.length} / {t("pairing.declined")} {r.declinedBy.length}
              </td>
              <td>{fmtDateTime(r.expiresAt)}</td>
              <td>
                <Link to={`/clients/${r.clientId}`}>
                  <Short id={r.clientId} />
                </Link>
              </td>
              <td>{r.sessionId ? <Link to={`/sessions/${r.sessionId}`}>{t("common.open")}</Link> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={50} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}
