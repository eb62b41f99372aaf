/** System / light / dark, in the sidebar footer. */
import { SegmentedControl } from '../ui/index.js';
import { setThemePreference, useThemePreference, type ThemePreference } from './theme.js';

export function ThemeSwitch() {
  const preference = useThemePreference();
  return (
    <SegmentedControl<ThemePreference>
      label="Theme"
      size="sm"
      value={preference}
      onChange={setThemePreference}
      options={[
        { value: 'system', label: 'Match system', icon: 'monitor', iconOnly: true },
        { value: 'light', label: 'Light', icon: 'sun', iconOnly: true },
        { value: 'dark', label: 'Dark', icon: 'moon', iconOnly: true },
      ]}
    />
  );
}
