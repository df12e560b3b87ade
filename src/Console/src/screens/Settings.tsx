import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { AnonymitySettings, api, isAdmin, UpdateRiskPhrases, UpdateSettings } from "../api";
import type { PlatformSettings } from "../api";
import { setTimeZone } from "../format";
import { t } from "../i18n";
import type { Key } from "../i18n";
import { Field, ProblemBanner, useAction, useLoad } from "../ui";

const numbers: [keyof PlatformSettings, Key][] = [
  ["maxCustomersPerMitra", "settings.maxCustomersPerMitra"],
  ["pairingTimeoutSeconds", "settings.pairingTimeoutSeconds"],
  ["heartbeatIntervalSeconds", "settings.heartbeatIntervalSeconds"],
  ["heartbeatTimeoutSeconds", "settings.heartbeatTimeoutSeconds"],
  ["sessionDurationMinutes", "settings.sessionDurationMinutes"],
  ["trialSessions", "settings.trialSessions"],
  ["backgroundReachableMinutes", "settings.backgroundReachableMinutes"],
  ["transcriptRetentionDays", "settings.transcriptRetentionDays"],
];

export function Settings() {
  const loaded = useLoad(() => api.getSettings(), []);
  return (
    <section>
      <h1>{t("nav.settings")}</h1>
      {!isAdmin() && <p className="note">{t("settings.readOnly")}</p>}
      <ProblemBanner problem={loaded.problem} />
      {loaded.data && <SettingsForm settings={loaded.data} onSaved={loaded.setData} />}
      <RiskPhrases />
    </section>
  );
}

function SettingsForm({ settings, onSaved }: { settings: PlatformSettings; onSaved: (s: PlatformSettings) => void }) {
  const [f, setF] = useState(() => ({
    ...Object.fromEntries(numbers.map(([k]) => [k, String(settings[k] ?? "")])),
    topics: settings.topics.join("\n"),
    timeZone: settings.timeZone,
    crisisResources: settings.crisisResources.join("\n"),
  }) as Record<string, string>);
  const [anon, setAnon] = useState({ showClientDisplayName: settings.anonymity.showClientDisplayName, showMitraFullName: settings.anonymity.showMitraFullName });
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const admin = isAdmin();
  const lines = (s: string) => s.split("\n").map((x) => x.trim()).filter(Boolean);
  const num = (k: string) => (f[k] === "" ? NaN : Number(f[k]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const s = await action.run(() =>
      api.updateSettings(
        new UpdateSettings({
          maxCustomersPerMitra: num("maxCustomersPerMitra"),
          pairingTimeoutSeconds: num("pairingTimeoutSeconds"),
          heartbeatIntervalSeconds: num("heartbeatIntervalSeconds"),
          heartbeatTimeoutSeconds: num("heartbeatTimeoutSeconds"),
          sessionDurationMinutes: num("sessionDurationMinutes"),
          trialSessions: num("trialSessions"),
          backgroundReachableMinutes: num("backgroundReachableMinutes"),
          transcriptRetentionDays: num("transcriptRetentionDays"),
          topics: lines(f.topics),
          timeZone: f.timeZone.trim(),
          crisisResources: lines(f.crisisResources),
          anonymity: new AnonymitySettings(anon),
          minSupportedVersion: settings.minSupportedVersion,
        }),
      ),
    );
    if (s) {
      onSaved(s);
      setTimeZone(s.timeZone);
      setSaved(true);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-label={t("nav.settings")} noValidate>
      <fieldset disabled={!admin}>
        <div className="grid">
          {numbers.map(([k, label]) => (
            <Field key={k} label={t(label)} name={k} type="number" inputMode="numeric" value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} problem={action.problem} />
          ))}
          <Field label={t("settings.timeZone")} name="timeZone" value={f.timeZone} onChange={(e) => setF({ ...f, timeZone: e.target.value })} problem={action.problem} hint="Asia/Jakarta" />
        </div>
        <div className="grid">
          <TextArea label={t("settings.topics")} name="topics" value={f.topics} onChange={(v) => setF({ ...f, topics: v })} problem={action.problem} />
          <TextArea label={t("settings.crisisResources")} name="crisisResources" value={f.crisisResources} onChange={(v) => setF({ ...f, crisisResources: v })} problem={action.problem} />
        </div>
        <label className="check">
          <input type="checkbox" checked={anon.showClientDisplayName} onChange={(e) => setAnon({ ...anon, showClientDisplayName: e.target.checked })} /> {t("settings.showClientDisplayName")}
        </label>
        <label className="check">
          <input type="checkbox" checked={anon.showMitraFullName} onChange={(e) => setAnon({ ...anon, showMitraFullName: e.target.checked })} /> {t("settings.showMitraFullName")}
        </label>
        <ProblemBanner problem={action.problem} />
        {saved && <p role="status">{t("common.saved")}</p>}
        {admin && (
          <button type="submit" className="primary" disabled={action.busy}>
            {t("common.save")}
          </button>
        )}
      </fieldset>
    </form>
  );
}

function TextArea({ label, name, value, onChange, problem }: { label: string; name: string; value: string; onChange: (v: string) => void; problem?: Parameters<typeof Field>[0]["problem"] }) {
  return (
    <Field label={label} name={name} problem={problem} hint={t("common.onePerLine")}>
      <textarea id={`ta-${name}`} aria-label={label} name={name} rows={6} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

function RiskPhrases() {
  const loaded = useLoad(() => api.getRiskPhrases(), []);
  const [text, setText] = useState("");
  const action = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setText(loaded.data.phrases.join("\n"));
  }, [loaded.data]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const r = await action.run(() => api.updateRiskPhrases(new UpdateRiskPhrases({ phrases: text.split("\n").map((x) => x.trim()).filter(Boolean) })));
    if (r) {
      loaded.setData(r);
      setSaved(true);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="risk-phrases">
      <h2 id="risk-phrases">{t("settings.riskPhrases")}</h2>
      <ProblemBanner problem={loaded.problem} />
      <fieldset disabled={!isAdmin()}>
        <TextArea label={t("settings.riskPhrases")} name="phrases" value={text} onChange={setText} problem={action.problem} />
        <ProblemBanner problem={action.problem} />
        {saved && <p role="status">{t("common.saved")}</p>}
        {isAdmin() && (
          <button type="submit" disabled={action.busy}>
            {t("common.save")}
          </button>
        )}
      </fieldset>
    </form>
  );
}
