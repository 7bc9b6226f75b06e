import type { Template } from '@/lib/api-types';

/** Props of `TemplatePicker`. */
export interface TemplatePickerProps {
  templates: readonly Template[];
  value: string | undefined;
  onChange: (name: string) => void;
  disabled?: boolean;
}

/** The templates as a group of radio cards, keyboard-usable as any radio group. */
export function TemplatePicker({ templates, value, onChange, disabled = false }: TemplatePickerProps) {
  return (
    <fieldset className="field template-picker" disabled={disabled}>
      <legend className="field__label">What are you importing?</legend>
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
    </fieldset>
  );
}
