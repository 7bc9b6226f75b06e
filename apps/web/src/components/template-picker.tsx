import type { Template } from '@/lib/api-types';

/** Props of `TemplatePicker`. */
export interface TemplatePickerProps {
  /** Undefined while they load, with `waiting` saying what the wait is. */
  templates: readonly Template[] | undefined;
  waiting: string;
  value: string | undefined;
  onChange: (name: string) => void;
  disabled?: boolean;
}

/** The templates as a group of radio cards, keyboard-usable as any radio group. */
export function TemplatePicker({ templates, waiting, value, onChange, disabled = false }: TemplatePickerProps) {
  return (
    <fieldset className="field template-picker" disabled={disabled} aria-busy={templates === undefined}>
      <legend className="field__label">What are you importing?</legend>
      {templates === undefined ? (
        <p className="field__waiting" role="status">
          {waiting}
        </p>
      ) : (
        <div className="template-picker__options">
          {templates.map((template) => (
            <label key={template.name} className="choice">
              <input
                type="radio"
                name="template"
                value={template.name}
                checked={value === template.name}
                onChange={() => onChange(template.name)}
                className="choice__input"
              />
              <span className="choice__body">
                <span className="choice__title">{template.label}</span>
                <span className="choice__meta">
                  {template.columns.length} columns · key <code>{template.key}</code>
                </span>
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}
