import { useState } from "react";
import type { FormEvent } from "react";
import { api, RegisterMitra } from "../api";
import { t } from "../i18n";
import { Link, navigate, setQuery, useLocation } from "../router";
import { Field, Pager, ProblemBanner, useAction, useLoad, Yes } from "../ui";

export function Mitras() {
  const { query } = useLocation();
  const search = query.get("search") ?? "";
  const active = query.get("active") ?? "";
  const online = query.get("online") ?? "";
  const page = Number(query.get("page") ?? "1");
  const list = useLoad(
    () => api.listMitras(search || undefined, active === "" ? undefined : active === "true", online === "" ? undefined : online === "true", page, 20),
    [search, active, online, page],
  );
  const [creating, setCreating] = useState(false);

  return (
    <section>
      <h1>{t("nav.mitras")}</h1>
      <div className="toolbar">
        <label>
          {t("common.search")}
          <input type="search" defaultValue={search} onChange={(e) => setQuery({ search: e.target.value, page: undefined })} />
        </label>
        <label>
          {t("mitra.active")}
          <select value={active} onChange={(e) => setQuery({ active: e.target.value, page: undefined })}>
            <option value="">{t("common.all")}</option>
            <option value="true">{t("common.yes")}</option>
            <option value="false">{t("common.no")}</option>
          </select>
        </label>
        <label>
          {t("mitra.online")}
          <select value={online} onChange={(e) => setQuery({ online: e.target.value, page: undefined })}>
            <option value="">{t("common.all")}</option>
            <option value="true">{t("common.yes")}</option>
            <option value="false">{t("common.no")}</option>
          </select>
        </label>
        <button type="button" className="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
          {t("mitra.new")}
        </button>
      </div>
      {creating && <CreateMitra onDone={(id) => navigate(`/mitras/${id}`)} />}
      <ProblemBanner problem={list.problem} />
      <table>
        <thead>
          <tr>
            <th>{t("mitra.fullName")}</th>
            <th>{t("mitra.alias")}</th>
            <th>{t("mitra.phone")}</th>
            <th>{t("mitra.active")}</th>
            <th>{t("mitra.online")}</th>
            <th>{t("mitra.sessions")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((m) => (
            <tr key={m.id}>
              <td>
                <Link to={`/mitras/${m.id}`}>{m.fullName}</Link>
              </td>
              <td>{m.alias}</td>
              <td>{m.phoneNumber}</td>
              <td>
                <Yes value={m.isActive} />
              </td>
              <td>{m.online ? (m.available ? t("mitra.available") : t("mitra.full")) : t("mitra.offline")}</td>
              <td>
                {m.activeSessions} / {m.capacity}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && <Pager page={page} pageSize={20} total={list.data.total} onPage={(p) => setQuery({ page: String(p) })} />}
    </section>
  );
}

function CreateMitra({ onDone }: { onDone: (id: string) => void }) {
  const [fullName, setFullName] = useState("");
  const [phoneNumber, setPhone] = useState("");
  const [alias, setAlias] = useState("");
  const [bio, setBio] = useState("");
  const [specialties, setSpecialties] = useState("");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = await action.run(() =>
      api.registerMitra(
        new RegisterMitra({
          fullName,
          phoneNumber,
          alias,
          bio: bio || undefined,
          specialties: specialties.split(",").map((s) => s.trim()).filter(Boolean),
        }),
      ),
    );
    if (m) onDone(m.id);
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={t("mitra.new")}>
      <h2>{t("mitra.new")}</h2>
      <div className="grid">
        <Field label={t("mitra.fullName")} name="fullName" value={fullName} onChange={(e) => setFullName(e.target.value)} problem={action.problem} />
        <Field label={t("mitra.phone")} name="phoneNumber" value={phoneNumber} onChange={(e) => setPhone(e.target.value)} problem={action.problem} hint="0812… / +62812…" />
        <Field label={t("mitra.alias")} name="alias" value={alias} onChange={(e) => setAlias(e.target.value)} problem={action.problem} />
        <Field label={t("mitra.bio")} name="bio" value={bio} onChange={(e) => setBio(e.target.value)} problem={action.problem} />
        <Field label={t("mitra.specialties")} name="specialties" value={specialties} onChange={(e) => setSpecialties(e.target.value)} problem={action.problem} hint={t("common.commaSeparated")} />
      </div>
      <ProblemBanner problem={action.problem} />
      <button type="submit" className="primary" disabled={action.busy}>
        {t("common.create")}
      </button>
    </form>
  );
}
