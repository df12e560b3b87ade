import { useState } from "react";
import type { FormEvent } from "react";
import { api, CreateStaff, StaffRole, UpdateStaffBody } from "../api";
import type { StaffView } from "../api";
import { fmtDateTime } from "../format";
import { t } from "../i18n";
import { Field, ProblemBanner, useAction, useLoad, Yes } from "../ui";

export function Staff() {
  const list = useLoad(() => api.listStaff(), []);
  return (
    <section>
      <h1>{t("nav.staff")}</h1>
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("staff.name")}</th>
            <th>{t("login.email")}</th>
            <th>{t("staff.role")}</th>
            <th>{t("mitra.active")}</th>
            <th>{t("common.created")}</th>
            <th>{t("common.edit")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((s) => (
            <StaffRow key={s.id} s={s} onSaved={list.reload} />
          ))}
        </tbody>
      </table>
      <NewStaff onSaved={list.reload} />
    </section>
  );
}

function RoleSelect({ value, onChange }: { value: StaffRole; onChange: (r: StaffRole) => void }) {
  return (
    <select name="role" value={value} onChange={(e) => onChange(e.target.value as StaffRole)} aria-label={t("staff.role")}>
      <option value={StaffRole.Operator}>{t("role.operator")}</option>
      <option value={StaffRole.Admin}>{t("role.admin")}</option>
    </select>
  );
}

function StaffRow({ s, onSaved }: { s: StaffView; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [f, setF] = useState({ name: s.name, role: s.role, isActive: s.isActive, password: "" });
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => api.updateStaff(s.id, new UpdateStaffBody({ name: f.name, role: f.role, isActive: f.isActive, password: f.password || undefined })))) {
      setEditing(false);
      onSaved();
    }
  };
  if (!editing)
    return (
      <tr>
        <td>{s.name}</td>
        <td>{s.email}</td>
        <td>{s.role === StaffRole.Admin ? t("role.admin") : t("role.operator")}</td>
        <td>
          <Yes value={s.isActive} />
        </td>
        <td>{fmtDateTime(s.createdAt)}</td>
        <td>
          <button type="button" onClick={() => setEditing(true)} aria-label={`${t("common.edit")} ${s.email}`}>
            {t("common.edit")}
          </button>
        </td>
      </tr>
    );
  return (
    <tr>
      <td colSpan={6}>
        <form className="inline" onSubmit={submit} aria-label={`${t("common.edit")} ${s.email}`}>
          <Field label={t("staff.name")} name="name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} problem={action.problem} />
          <Field label={t("staff.role")} name="role" problem={action.problem}>
            <RoleSelect value={f.role} onChange={(role) => setF({ ...f, role })} />
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.isActive} onChange={(e) => setF({ ...f, isActive: e.target.checked })} /> {t("mitra.active")}
          </label>
          <Field label={t("staff.newPassword")} name="password" type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} problem={action.problem} hint={t("staff.passwordHint")} />
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

function NewStaff({ onSaved }: { onSaved: () => void }) {
  const empty = { email: "", name: "", role: StaffRole.Operator, password: "" };
  const [f, setF] = useState(empty);
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => api.createStaff(new CreateStaff(f)))) {
      setF(empty);
      onSaved();
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-staff">
      <h2 id="new-staff">{t("staff.new")}</h2>
      <div className="grid">
        <Field label={t("login.email")} name="email" type="email" value={f.email} onChange={(e) => setF({ ...f, email: e.target.value })} problem={action.problem} />
        <Field label={t("staff.name")} name="name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} problem={action.problem} />
        <Field label={t("staff.role")} name="role" problem={action.problem}>
          <RoleSelect value={f.role} onChange={(role) => setF({ ...f, role })} />
        </Field>
        <Field label={t("login.password")} name="password" type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} problem={action.problem} hint={t("staff.passwordHint")} />
      </div>
      <ProblemBanner problem={action.problem} />
      <button type="submit" className="primary" disabled={action.busy}>
        {t("common.create")}
      </button>
    </form>
  );
}
