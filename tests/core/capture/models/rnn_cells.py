"""Recurrent cells: a hand-written LSTM cell (gates by chunk), nn.LSTM, nn.LSTMCell and nn.GRUCell."""

import torch
import torch.nn as nn


class PeepholeFreeLSTMCell(nn.Module):
    """The textbook cell: one matrix for the four gates, split with chunk."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.x2h = nn.Linear(input_size, 4 * hidden_size)
        self.h2h = nn.Linear(hidden_size, 4 * hidden_size)

    def forward(self, x, state):
        hx, cx = state
        gates = self.x2h(x) + self.h2h(hx)
        ingate, forgetgate, cellgate, outgate = gates.chunk(4, 1)
        ingate = torch.sigmoid(ingate)
        forgetgate = torch.sigmoid(forgetgate)
        cellgate = torch.tanh(cellgate)
        outgate = torch.sigmoid(outgate)
        cy = forgetgate * cx + ingate * cellgate
        hy = outgate * torch.tanh(cy)
        return hy, cy


class Recurrent(nn.Module):
    """Runs a sequence through nn.LSTM, then steps three cells over its outputs."""

    def __init__(self, input_size=3, hidden_size=4, num_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.cell = PeepholeFreeLSTMCell(hidden_size, hidden_size)
        self.lstm_cell = nn.LSTMCell(hidden_size, hidden_size)
        self.gru_cell = nn.GRUCell(hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)
        h, c = h_n[0], c_n[0]
        h2, c2 = torch.zeros_like(h), torch.zeros_like(c)
        g = torch.zeros_like(h)
        for step in out.unbind(1):
            h, c = self.cell(step, (h, c))
            h2, c2 = self.lstm_cell(h, (h2, c2))
            g = self.gru_cell(h2, g)
        return self.head(g)
