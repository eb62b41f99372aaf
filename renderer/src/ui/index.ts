/**
 * The design system. Pages import from here only; styles load once from `styles.css` (the entry
 * imports it), so components stay plain functions with stable props.
 */
export { Badge, StatusDot, type BadgeProps, type StatusDotProps, type Tone } from './badge.js';
export {
  Button,
  ButtonLink,
  buttonClassName,
  type ButtonLinkProps,
  type ButtonProps,
  type ButtonSize,
  type ButtonVariant,
} from './button.js';
export { Card, type CardProps } from './card.js';
export { ChipsInput, type ChipsInputProps } from './chips-input.js';
export {
  RadioCards,
  SegmentedControl,
  type RadioCardOption,
  type RadioCardsProps,
  type SegmentedControlProps,
  type SegmentedOption,
} from './choice.js';
export { CodeBlock, CopyButton, type CodeBlockProps, type CopyButtonProps } from './code-block.js';
export { copyText } from './copy.js';
export { ConfirmDialog, Dialog, type ConfirmDialogProps, type DialogProps } from './dialog.js';
export {
  Field,
  Select,
  TextArea,
  TextInput,
  useFieldControl,
  type FieldProps,
  type SelectOption,
  type SelectProps,
  type TextAreaProps,
  type TextInputProps,
} from './field.js';
export { Icon, ICON_NAMES, type IconName, type IconProps } from './icon.js';
export {
  KeyValueList,
  Page,
  PageHeader,
  ProgressBar,
  type KeyValueItem,
  type PageHeaderProps,
  type ProgressBarProps,
} from './layout.js';
export { Skeleton, Spinner, type SkeletonProps, type SpinnerProps } from './spinner.js';
export {
  Callout,
  EmptyState,
  ErrorState,
  type CalloutProps,
  type EmptyStateProps,
  type ErrorStateProps,
} from './states.js';
export { Table, type TableColumn, type TableProps } from './table.js';
export {
  dismissToast,
  toast,
  Toaster,
  useToastStore,
  type ToastInput,
  type ToastItem,
} from './toast.js';
export { Toggle, type ToggleProps } from './toggle.js';
export { parseLogRecord, plainTextLevel, type LogLevel, type LogRecord } from './log-record.js';
export { LogRecordText, type LogRecordTextProps } from './log-record-text.js';
export { TextWithCode } from './text-with-code.js';
