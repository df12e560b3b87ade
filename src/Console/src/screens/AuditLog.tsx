import { api } from "../api";
import { fmtDateTime, instantToZoned, zonedToInstant } from "../format";
import { t } from "../i18n";
import { Link, setQuery, useLocation } from "../router";
import { Pager, ProblemBanner, Short, useLoad } from "../ui";

const targetPaths: Record<string, string> = { mitra: "/mitras/", client: "/clients/", session: "/sessions/" };

export function AuditLog() {
  const { query } = useLocation();
  const staffId = query.get("staffId") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(
    () => api.listAuditEntries(staffId || undefined, from ? new Date(from) : undefined, to ? new Date(to) : undefined, page, 50),
    [staffId, from, to, page],
  );
  const timeInput = (name: "from" | "to", value: string) => (
    <label>
      {t(name === "from" ? "common.from" : "common.to")}
      <input
        type="datetime-local"
        value={value ? instantToZoned(new Date(value)).slice(0, 16) : ""}
        onChange={(e) => setQuery({ [name]: zonedToInstant(e.target.value)?.toISOString(), page: undefined })}
      />
    </label>
  );
  return (
    <section>
      <h1>{t("nav.audit")}</h1>
      <div className="toolbar">
        <label>
          {t("audit.staffId")}
          <input defaultValue={staffId} onChange={(e) => setQuery({ staffId: e.target.value.trim(), page: undefined })} />
        </label>
        {timeInput("from", from)}
        {timeInput("to", to)}
      </div>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("audit.at")}</th>
            <th>{t("audit.staff")}</th>
            <th>{t("audit.action")}</th>
            <th>{t("audit.target")}</th>
            <th>{t("audit.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((a) => (
            <tr key={a.id}>
              <td className="when">{fmtDateTime(a.at)}</td>
              <td>{a.staffEmail}</td>
              <td>
                <code>{a.action}</code>
              </td>
              <td>
                {a.targetType}{" "}
                {targetPaths[a.targetType] ? (
                  <Link to={targetPaths[a.targetType] + a.targetId}>
                    <Short id={a.targetId} />
                  </Link>
                ) : (
                  <Short id={a.targetId} />
                )}
              </td>
              <td className="wrap">{a.detail ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={50} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}
