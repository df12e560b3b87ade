import { useState } from "react";
import type { FormEvent } from "react";
import { api, CreatePackage, UpdatePackageBody } from "../api";
import type { SessionPackage } from "../api";
import { fmtNumber } from "../format";
import { t } from "../i18n";
import { Field, ProblemBanner, useAction, useLoad } from "../ui";

export function Packages() {
  const list = useLoad(() => api.listAllPackages(), []);
  return (
    <section>
      <h1>{t("nav.packages")}</h1>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("package.name")}</th>
            <th>{t("package.sessions")}</th>
            <th>{t("package.price")}</th>
            <th>{t("common.status")}</th>
            <th>{t("common.edit")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((p) => (
            <PackageRow key={p.id} p={p} onSaved={list.reload} />
          ))}
        </tbody>
      </table>
      <NewPackage onSaved={list.reload} />
    </section>
  );
}

function PackageRow({ p, onSaved }: { p: SessionPackage; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [f, setF] = useState({ name: p.name, sessions: String(p.sessions), priceIdr: String(p.priceIdr), isActive: p.isActive });
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => api.updatePackage(p.id, new UpdatePackageBody({ name: f.name, sessions: Number(f.sessions), priceIdr: Number(f.priceIdr), isActive: f.isActive })))) {
      setEditing(false);
      onSaved();
    }
  };
  if (!editing)
    return (
      <tr>
        <td>{p.name}</td>
        <td>{p.sessions}</td>
        <td>Rp {fmtNumber(p.priceIdr)}</td>
        <td>{p.isActive ? t("package.active") : t("package.retired")}</td>
        <td>
          <button type="button" onClick={() => setEditing(true)} aria-label={`${t("common.edit")} ${p.name}`}>
            {t("common.edit")}
          </button>
        </td>
      </tr>
    );
  return (
    <tr>
      <td colSpan={5}>
        <form className="inline" onSubmit={submit} aria-label={`${t("common.edit")} ${p.name}`}>
          <Field label={t("package.name")} name="name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} problem={action.problem} />
          <Field label={t("package.sessions")} name="sessions" type="number" value={f.sessions} onChange={(e) => setF({ ...f, sessions: e.target.value })} problem={action.problem} />
          <Field label={t("package.price")} name="priceIdr" type="number" value={f.priceIdr} onChange={(e) => setF({ ...f, priceIdr: e.target.value })} problem={action.problem} />
          <label className="check">
            <input type="checkbox" checked={f.isActive} onChange={(e) => setF({ ...f, isActive: e.target.checked })} /> {t("package.active")}
          </label>
          <ProblemBanner problem={action.problem} />
          <button type="submit" className="primary" disabled={action.busy}>
            {t("common.save")}
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            {t("common.cancel")}
          </button>
        </form>
      </td>
    </tr>
  );
}

function NewPackage({ onSaved }: { onSaved: () => void }) {
  const [f, setF] = useState({ name: "", sessions: "1", priceIdr: "50000" });
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => api.createPackage(new CreatePackage({ name: f.name, sessions: Number(f.sessions), priceIdr: Number(f.priceIdr) })))) {
      setF({ name: "", sessions: "1", priceIdr: "50000" });
      onSaved();
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-package">
      <h2 id="new-package">{t("package.new")}</h2>
      <div className="grid">
        <Field label={t("package.name")} name="name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} problem={action.problem} />
        <Field label={t("package.sessions")} name="sessions" type="number" value={f.sessions} onChange={(e) => setF({ ...f, sessions: e.target.value })} problem={action.problem} />
        <Field label={t("package.price")} name="priceIdr" type="number" value={f.priceIdr} onChange={(e) => setF({ ...f, priceIdr: e.target.value })} problem={action.problem} />
      </div>
      <ProblemBanner problem={action.problem} />
      <button type="submit" className="primary" disabled={action.busy}>
        {t("common.create")}
      </button>
    </form>
  );
}
