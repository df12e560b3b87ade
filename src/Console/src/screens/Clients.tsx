import { useState } from "react";
import type { FormEvent } from "react";
import { api, ReinstateClientBody, SuspendClientBody } from "../api";
import type { ClientDetails } from "../api";
import { fmtDateTime, fmtNumber } from "../format";
import { t } from "../i18n";
import { Link, setQuery, useLocation } from "../router";
import { Field, Pager, ProblemBanner, useAction, useLoad, Yes } from "../ui";

export function Clients() {
  const { query } = useLocation();
  const search = query.get("search") ?? "";
  const status = query.get("status") ?? "";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(() => api.listClients(search || undefined, status || undefined, page, 20), [search, status, page]);
  return (
    <section>
      <h1>{t("nav.clients")}</h1>
      <div className="toolbar">
        <label>
          {t("common.search")}
          <input type="search" defaultValue={search} onChange={(e) => setQuery({ search: e.target.value, page: undefined })} />
        </label>
        <label>
          {t("common.status")}
          <select value={status} onChange={(e) => setQuery({ status: e.target.value, page: undefined })}>
            <option value="">{t("common.all")}</option>
            <option value="active">{t("client.active")}</option>
            <option value="suspended">{t("client.suspended")}</option>
          </select>
        </label>
      </div>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("client.name")}</th>
            <th>{t("client.contact")}</th>
            <th>{t("client.registered")}</th>
            <th>{t("common.status")}</th>
            <th>{t("client.entitlements")}</th>
            <th>{t("common.created")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/clients/${c.id}`}>{c.deleted ? t("client.deleted") : (c.displayName ?? c.alias)}</Link>
              </td>
              <td>{c.email ?? c.phoneNumber ?? "—"}</td>
              <td>
                <Yes value={c.isRegistered} />
              </td>
              <td>{c.status === "suspended" ? t("client.suspended") : t("client.active")}</td>
              <td>
                {c.trialSessionsLeft} {t("client.trial")} · {c.credits} {t("client.credits")}
              </td>
              <td>{fmtDateTime(c.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={20} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}

export function ClientDetail({ id }: { id: string }) {
  const client = useLoad(() => api.getClient(id), [id]);
  const c = client.data;
  return (
    <section>
      <p>
        <Link to="/clients">← {t("nav.clients")}</Link>
      </p>
      <ProblemBanner problem={client.problem} />
      {c && (
        <>
          <h1>
            {c.deleted ? t("client.deleted") : (c.displayName ?? c.alias)} <small>({c.alias})</small>
          </h1>
          <dl className="facts">
            <dt>{t("common.status")}</dt>
            <dd data-testid="client-status">{c.status === "suspended" ? `${t("client.suspended")}: ${c.suspensionReason ?? ""}` : t("client.active")}</dd>
            <dt>{t("client.contact")}</dt>
            <dd>{[c.email, c.phoneNumber].filter(Boolean).join(" · ") || "—"}</dd>
            <dt>{t("client.signIn")}</dt>
            <dd>{c.signInProvider}</dd>
            <dt>{t("client.entitlements")}</dt>
            <dd>
              {c.trialSessionsLeft} {t("client.trial")} · {c.credits} {t("client.credits")}
            </dd>
            <dt>{t("nav.sessions")}</dt>
            <dd>
              <Link to={`/sessions?clientId=${c.id}`}>{c.sessionCount ?? 0}</Link>
            </dd>
            <dt>{t("common.created")}</dt>
            <dd>{fmtDateTime(c.createdAt)}</dd>
          </dl>
          <SuspendOrReinstate client={c} onSaved={(n) => client.setData(Object.assign(n, { sessionCount: c.sessionCount, payments: c.payments }))} />
          <h2>{t("client.payments")}</h2>
          <table>
            <thead>
              <tr>
                <th>{t("package.name")}</th>
                <th>{t("package.sessions")}</th>
                <th>{t("package.price")}</th>
                <th>{t("common.status")}</th>
                <th>{t("common.created")}</th>
              </tr>
            </thead>
            <tbody>
              {c.payments?.map((p) => (
                <tr key={p.id}>
                  <td>{p.packageName}</td>
                  <td>{p.sessions}</td>
                  <td>Rp {fmtNumber(p.amountIdr)}</td>
                  <td>{p.status}</td>
                  <td>{fmtDateTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function SuspendOrReinstate({ client, onSaved }: { client: ClientDetails; onSaved: (c: ClientDetails) => void }) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const suspended = client.status === "suspended";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const c = await action.run(() => (suspended ? api.reinstateClient(client.id, new ReinstateClientBody({ reason })) : api.suspendClient(client.id, new SuspendClientBody({ reason }))));
    if (c) {
      onSaved(c);
      setReason("");
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="suspend">
      <h2 id="suspend">{suspended ? t("client.reinstate") : t("client.suspend")}</h2>
      {!suspended && <p className="hint">{t("client.suspendHint")}</p>}
      <Field label={t("common.reason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} problem={action.problem} />
      <ProblemBanner problem={action.problem} />
      <button type="submit" className={suspended ? "primary" : "danger"} disabled={action.busy}>
        {suspended ? t("client.reinstate") : t("client.suspend")}
      </button>
    </form>
  );
}
