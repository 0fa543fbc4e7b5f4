import type { ReactNode } from 'react';
import { Alert, Badge, Card, Col, List, Row, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { STATUS_NAMES, TAG, formatDate } from '../../lib/format';
import { DueDate } from '../cases/CaseSummary';

type Todo = Schemas['Todo'];
type CaseEntry = NonNullable<NonNullable<Todo['cases']>['toSupplement']>;

/**
 * 待办 for the window clerk (GET /me/todo): returned cases to supplement, cases to complete,
 * overdue ones, open bad-rating follow-ups and answered problems; plus the cases accepted today
 * and not yet sent on (GET /cases?status=accepted), so nothing accepted is forgotten.
 */
export default function TodoScreen() {
  const todo = useQuery({ queryKey: ['todo'], queryFn: () => unwrap(api.GET('/me/todo')), refetchInterval: 120_000 });
  const accepted = useQuery({ queryKey: ['cases', 'accepted'], queryFn: () => unwrap(api.GET('/cases', { params: { query: { status: 'accepted', limit: 20 } } })) });
  if (todo.error) return <Alert type="error" showIcon title={errorText(todo.error)} />;
  const d = todo.data;
  const title = (label: string, n: number | undefined, more?: boolean, color: string = TAG.info) => (
    <Badge count={n ? `${n}${more ? '+' : ''}` : 0} offset={[14, 0]} color={color} showZero={false}>
      <span style={{ paddingRight: 8 }}>{label}</span>
    </Badge>
  );
  const caseList = (e: CaseEntry | undefined, empty: string) => (
    <List
      loading={todo.isPending}
      dataSource={e?.items ?? []}
      locale={{ emptyText: empty }}
      renderItem={(c) => (
        <List.Item>
          <List.Item.Meta
            title={<Link to={`/clerk/cases/${c.id}`}>{`${c.number} ${c.itemName}`}</Link>}
            description={`${c.applicantName} · ${STATUS_NAMES[c.status] ?? c.status} · 到期 ${formatDate(c.dueDate)}`}
          />
        </List.Item>
      )}
    />
  );
  const card = (testId: string, head: ReactNode, body: ReactNode) => (
    <Col xs={24} xl={12}>
      <Card title={head} data-testid={testId}>
        {body}
      </Card>
    </Col>
  );
  return (
    <Row gutter={[16, 16]}>
      {card('todo-returned', title('退回待补正', d?.cases?.toSupplement?.count, d?.cases?.toSupplement?.more, TAG.warn), caseList(d?.cases?.toSupplement, '没有退回的办件'))}
      {card('todo-complete', title('待办结', d?.cases?.toComplete?.count, d?.cases?.toComplete?.more), caseList(d?.cases?.toComplete, '没有待办结的办件'))}
      {card(
        'todo-accepted',
        title('已受理待报送', accepted.data?.items.length),
        <List
          loading={accepted.isPending}
          dataSource={accepted.data?.items ?? []}
          locale={{ emptyText: '没有待报送的办件' }}
          renderItem={(c) => (
            <List.Item>
              <List.Item.Meta title={<Link to={`/clerk/cases/${c.id}`}>{`${c.number} ${c.itemName}`}</Link>} description={<>{c.applicant.name} · <DueDate c={c} /></>} />
            </List.Item>
          )}
        />,
      )}
      {d?.cases?.overdue ? card('todo-overdue', title('已超期', d.cases.overdue.count, d.cases.overdue.more, TAG.danger), caseList(d.cases.overdue, '没有超期的办件')) : null}
      {card(
        'todo-followups',
        title('差评整改回访', d?.followUps?.count, d?.followUps?.more, TAG.warn),
        <List
          loading={todo.isPending}
          dataSource={d?.followUps?.items ?? []}
          locale={{ emptyText: '没有待回访的差评' }}
          renderItem={(f) => (
            <List.Item>
              <Link to={`/clerk/cases/${f.caseId}`}>{`${f.score} 分差评 · ${formatDate(f.openedAt)}`}</Link>
            </List.Item>
          )}
        />,
      )}
      {card(
        'todo-answered',
        title('已答复的问题', d?.problems?.answered?.count, d?.problems?.answered?.more),
        <List
          loading={todo.isPending}
          dataSource={d?.problems?.answered?.items ?? []}
          locale={{ emptyText: '没有新的答复' }}
          renderItem={(p) => (
            <List.Item>
              <Link to="/clerk/problems">{p.number}</Link> <Tag color={TAG.info}>已答复</Tag> {p.description}
            </List.Item>
          )}
        />,
      )}
    </Row>
  );
}
