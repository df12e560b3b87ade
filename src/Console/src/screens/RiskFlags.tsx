import { useState } from "react";
import type { FormEvent } from "react";
import { AcknowledgeRiskFlagBody, api } from "../api";
import type { RiskFlag } from "../api";
import { fmtDateTime } from "../format";
import { t } from "../i18n";
import { Link, setQuery, useLocation } from "../router";
import { Field, Pager, ProblemBanner, Short, useAction, useLoad } from "../ui";

/** Live: read again every 2 seconds; a new flag also shows on the dashboard within a second. */
export function RiskFlags() {
  const { query } = useLocation();
  const status = query.get("status") ?? "open";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(() => api.listRiskFlags(status === "all" ? undefined : status, page, 50), [status, page], 2000);
  return (
    <section>
      <h1>{t("nav.risk")}</h1>
      <div className="toolbar">
        <label>
          {t("common.status")}
          <select value={status} onChange={(e) => setQuery({ status: e.target.value, page: undefined })}>
            <option value="open">{t("risk.open")}</option>
            <option value="acknowledged">{t("risk.acknowledged")}</option>
            <option value="all">{t("common.all")}</option>
          </select>
        </label>
        <span className="live">{t("common.refreshing")}</span>
      </div>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("risk.raisedAt")}</th>
            <th>{t("risk.phrase")}</th>
            <th>{t("pairing.session")}</th>
            <th>{t("common.status")}</th>
            <th>{t("risk.note")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((f) => (
            <tr key={f.id} data-testid="risk-flag" data-flag={f.id} data-session={f.sessionId}>
              <td>{fmtDateTime(f.raisedAt)}</td>
              <td>“{f.phrase}”</td>
              <td>
                <Link to={`/sessions/${f.sessionId}`}>
                  <Short id={f.sessionId} />
                </Link>{" "}
                · seq {f.seq}
              </td>
              <td>{f.isOpen ? t("risk.open") : `${t("risk.acknowledged")} ${fmtDateTime(f.acknowledgedAt)}`}</td>
              <td>{f.isOpen ? <Acknowledge flag={f} onDone={list.reload} /> : f.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={50} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}

function Acknowledge({ flag, onDone }: { flag: RiskFlag; onDone: () => void }) {
  const [note, setNote] = useState("");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => api.acknowledgeRiskFlag(flag.id, new AcknowledgeRiskFlagBody({ note })))) onDone();
  };
  return (
    <form onSubmit={submit} className="inline" aria-label={`${t("risk.acknowledge")} ${flag.phrase}`}>
      <Field label={t("risk.note")} name="note" value={note} onChange={(e) => setNote(e.target.value)} problem={action.problem} />
      <ProblemBanner problem={action.problem} />
      <button type="submit" disabled={action.busy}>
        {t("risk.acknowledge")}
      </button>
    </form>
  );
}
