"""Convolutions with BatchNorm (running statistics and num_batches_tracked as buffers)."""

import torch.nn as nn


class BatchNormNet(nn.Module):
    def __init__(self, channels=4, classes=3):
        super().__init__()
        self.conv = nn.Conv2d(2, channels, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()
        self.bn_fc = nn.BatchNorm1d(channels, momentum=None)  # cumulative average: uses num_batches_tracked
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.pool(self.relu(self.bn(self.conv(x))))
        return self.fc(self.bn_fc(self.flat(x)))
