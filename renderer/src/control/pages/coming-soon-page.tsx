/**
 * The place sandboxes will take. They arrive with their own release; until then the
 * page says so plainly — no made-up data — and points at what works today.
 */
import { Badge, Card, EmptyState, Page, PageHeader } from '../../ui/index.js';
import { Link } from '../../shell/link.js';
import '../components/control.css';

export interface ComingSoonProps {
  title: string;
  icon: string;
  description: string;
  /** What the page will do, in a sentence. */
  promise: string;
  /** Where to go meanwhile. */
  meanwhile: { href: string; label: string };
}

export function ComingSoonPage({ title, icon, description, promise, meanwhile }: ComingSoonProps) {
  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title={title}
        description={description}
        actions={<Badge tone="info">Arrives with its release</Badge>}
      />
      <Card>
        <EmptyState
          icon={icon}
          title={`${title} arrives with its release`}
          description={promise}
          action={<Link to={meanwhile.href}>{meanwhile.label}</Link>}
        />
      </Card>
    </Page>
  );
}

export function SandboxesPage() {
  return (
    <ComingSoonPage
      title="Sandboxes"
      icon="sandbox"
      description="The isolated containers agents run commands in."
      promise="You will see every sandbox container here, what it runs and how much it uses, and be able to stop or reset it. This version of OpenClaw Desktop does not include it yet."
      meanwhile={{ href: '/control', label: 'Back to the overview' }}
    />
  );
}
